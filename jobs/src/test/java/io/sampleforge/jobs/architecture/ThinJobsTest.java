package io.sampleforge.jobs.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Jobs are config -> stage -> output + manifest: from the kernel packages they may use only
 * settings, specification and result types (records, enums, interfaces, exceptions, and classes
 * named *Settings, *Spec, *Plan or *Result with their nested builders), never algorithm classes; the
 * work happens in pipeline-core's Spark stages. The two model-construction entry points ({@code
 * NgramTraining}, {@code BannedTokens}) are named exceptions: the n-gram model trains on a corpus
 * the job reads through its own integrity-checked table input, and the model is built once on the
 * driver. Checked with ArchUnit on the compiled classes of both modules.
 */
class ThinJobsTest {
  private static final String[] KERNELS = {"io.sampleforge.tabular..", "io.sampleforge.neighbors..",
      "io.sampleforge.subset..", "io.sampleforge.decode..", "io.sampleforge.model..", "io.sampleforge.text..",
      "io.sampleforge.random..", "io.sampleforge.diffusion..",
      "io.sampleforge.mixture.."};

  private static final DescribedPredicate<JavaClass> ALGORITHM = new DescribedPredicate<>(
      "kernel classes other than settings and result types (records, enums, interfaces, exceptions)") {
    @Override
    public boolean test(JavaClass c) {
      JavaClass top = c;
      while (top.getEnclosingClass().isPresent()) {
        top = top.getEnclosingClass().get();
      }
      String name = top.getSimpleName();
      boolean settingsOrResult = name.endsWith("Settings") || name.endsWith("Spec") || name.endsWith("Plan")
          || name.endsWith("Result");
      boolean valueType = c.isRecord() || c.isEnum() || c.isInterface() || c.isAssignableTo(Throwable.class);
      return inKernel(c) && !settingsOrResult && !valueType && !MODEL_CONSTRUCTION.contains(top.getName());
    }
  };

  private static final java.util.Set<String> MODEL_CONSTRUCTION = java.util.Set.of(
      "io.sampleforge.model.NgramTraining", "io.sampleforge.model.BannedTokens");

  private static boolean inKernel(JavaClass c) {
    String p = c.getPackageName();
    for (String k : KERNELS) {
      String base = k.substring(0, k.length() - 2);
      if (p.equals(base) || p.startsWith(base + ".")) {
        return true;
      }
    }
    return false;
  }

  private static JavaClasses classes() {
    return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.sampleforge");
  }

  @Test
  void jobsUseOnlyTheKernelsSettingsAndResultTypes() {
    noClasses().that().resideInAPackage("io.sampleforge.jobs..").should().dependOnClassesThat(ALGORITHM)
        .because("a job is config -> stage -> output + manifest; algorithms live in pipeline-core")
        .check(classes());
  }

  /** The rule can fail: the kernel's algorithm classes are seen as such. */
  @Test
  void theRuleRecognisesAlgorithmClasses() {
    JavaClasses c = classes();
    org.junit.jupiter.api.Assertions.assertTrue(ALGORITHM.test(c.get("io.sampleforge.model.KneserNeyLm")));
    org.junit.jupiter.api.Assertions.assertTrue(ALGORITHM.test(c.get("io.sampleforge.text.ToyGrammar")));
    org.junit.jupiter.api.Assertions.assertFalse(ALGORITHM.test(c.get("io.sampleforge.tabular.SmoteSettings")));
    org.junit.jupiter.api.Assertions.assertFalse(ALGORITHM.test(c.get("io.sampleforge.decode.SamplerSettings$Builder")));
    org.junit.jupiter.api.Assertions.assertTrue(c.contain("io.sampleforge.jobs.GenerateJob"));
  }
}
