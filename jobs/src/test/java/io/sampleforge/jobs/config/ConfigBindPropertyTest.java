package io.sampleforge.jobs.config;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Property: every job config tree binds, or is rejected with a ConfigException that names a key
 * the tree got wrong; never an NPE, a ClassCastException, a Jackson exception or the like.
 */
class ConfigBindPropertyTest {

  @Property(tries = 400, seed = "1601")
  void smote(@ForAll("smoteTrees") ConfigTrees.Mutated t) {
    ConfigRejections.bindOrNameKey(t.tree(), SmoteJobConfig.class, t.keys());
  }

  @Property(tries = 400, seed = "1602")
  void gme(@ForAll("gmeTrees") ConfigTrees.Mutated t) {
    ConfigRejections.bindOrNameKey(t.tree(), GmeJobConfig.class, t.keys());
  }

  @Property(tries = 400, seed = "1603")
  void generate(@ForAll("generateTrees") ConfigTrees.Mutated t) {
    ConfigRejections.bindOrNameKey(t.tree(), GenerateJobConfig.class, t.keys());
  }

  @Property(tries = 400, seed = "1604")
  void synthTable(@ForAll("synthTableTrees") ConfigTrees.Mutated t) {
    ConfigRejections.bindOrNameKey(t.tree(), SynthTableConfig.class, t.keys());
  }

  @Property(tries = 400, seed = "1605")
  void synthRelations(@ForAll("synthRelationsTrees") ConfigTrees.Mutated t) {
    ConfigRejections.bindOrNameKey(t.tree(), SynthRelationsConfig.class, t.keys());
  }

  /** The masked-diffusion example (model.type markov-chain and the diffusion block). */
  @Property(tries = 400, seed = "1606")
  void generateMdm(@ForAll("generateMdmTrees") ConfigTrees.Mutated t) {
    ConfigRejections.bindOrNameKey(t.tree(), GenerateJobConfig.class, t.keys());
  }

  /** The masked-LM example (an exported model with the diffusion block; binding only, no file is opened). */
  @Property(tries = 200, seed = "1607")
  void generateMlm(@ForAll("generateMlmTrees") ConfigTrees.Mutated t) {
    ConfigRejections.bindOrNameKey(t.tree(), GenerateJobConfig.class, t.keys());
  }

  /** The diffuse example (an exact GMM, DPM-Solver++). */
  @Property(tries = 300, seed = "1608")
  void diffuse(@ForAll("diffuseTrees") ConfigTrees.Mutated t) {
    ConfigRejections.bindOrNameKey(t.tree(), DiffuseConfig.class, t.keys());
  }

  /** The train-denoiser example. */
  @Property(tries = 300, seed = "1609")
  void trainDenoiser(@ForAll("trainDenoiserTrees") ConfigTrees.Mutated t) {
    ConfigRejections.bindOrNameKey(t.tree(), TrainDenoiserConfig.class, t.keys());
  }

  /** The corrupt example (a mask of the attrition table). */
  @Property(tries = 300, seed = "1610")
  void corrupt(@ForAll("corruptTrees") ConfigTrees.Mutated t) {
    ConfigRejections.bindOrNameKey(t.tree(), CorruptConfig.class, t.keys());
  }

  /** The posterior example (exact draws under a gmm-fit prior; binding only, no table is read). */
  @Property(tries = 300, seed = "1611")
  void posterior(@ForAll("posteriorTrees") ConfigTrees.Mutated t) {
    ConfigRejections.bindOrNameKey(t.tree(), PosteriorConfig.class, t.keys());
  }

  /** The mix example (temperature sampling of the example table). */
  @Property(tries = 300, seed = "1612")
  void mix(@ForAll("mixTrees") ConfigTrees.Mutated t) {
    ConfigRejections.bindOrNameKey(t.tree(), MixConfig.class, t.keys());
  }

  @Provide
  Arbitrary<ConfigTrees.Mutated> mixTrees() {
    return ConfigTrees.of("mix", MixConfig.class);
  }

  @Provide
  Arbitrary<ConfigTrees.Mutated> corruptTrees() {
    return ConfigTrees.of("corrupt", CorruptConfig.class);
  }

  @Provide
  Arbitrary<ConfigTrees.Mutated> posteriorTrees() {
    return ConfigTrees.of("posterior", PosteriorConfig.class);
  }

  @Provide
  Arbitrary<ConfigTrees.Mutated> trainDenoiserTrees() {
    return ConfigTrees.of("train-denoiser", TrainDenoiserConfig.class);
  }

  @Provide
  Arbitrary<ConfigTrees.Mutated> diffuseTrees() {
    return ConfigTrees.of("diffuse", DiffuseConfig.class);
  }

  @Provide
  Arbitrary<ConfigTrees.Mutated> generateMlmTrees() {
    return ConfigTrees.of("generate-mlm", GenerateJobConfig.class);
  }

  @Provide
  Arbitrary<ConfigTrees.Mutated> generateMdmTrees() {
    return ConfigTrees.of("generate-mdm", GenerateJobConfig.class);
  }

  @Provide
  Arbitrary<ConfigTrees.Mutated> smoteTrees() {
    return ConfigTrees.of("smote", SmoteJobConfig.class);
  }

  @Provide
  Arbitrary<ConfigTrees.Mutated> gmeTrees() {
    return ConfigTrees.of("gme", GmeJobConfig.class);
  }

  @Provide
  Arbitrary<ConfigTrees.Mutated> generateTrees() {
    return ConfigTrees.of("generate", GenerateJobConfig.class);
  }

  @Provide
  Arbitrary<ConfigTrees.Mutated> synthTableTrees() {
    return ConfigTrees.of("synth-table", SynthTableConfig.class);
  }

  @Provide
  Arbitrary<ConfigTrees.Mutated> synthRelationsTrees() {
    return ConfigTrees.of("synth-relations", SynthRelationsConfig.class);
  }

  /** The coreset example (leverage sampling of a feature table). */
  @Property(tries = 300, seed = "1624")
  void coreset(@ForAll("coresetTrees") ConfigTrees.Mutated t) {
    ConfigRejections.bindOrNameKey(t.tree(), CoresetJobConfig.class, t.keys());
  }

  @Provide
  Arbitrary<ConfigTrees.Mutated> coresetTrees() {
    return ConfigTrees.of("coreset", CoresetJobConfig.class);
  }
}
