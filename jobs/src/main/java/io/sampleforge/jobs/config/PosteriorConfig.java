package io.sampleforge.jobs.config;

import io.sampleforge.diffusion.posterior.Corruption;
import io.sampleforge.diffusion.posterior.CorruptionKind;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.spark.diffusion.PosteriorRows;
import io.sampleforge.spark.diffusion.PosteriorSchedule;
import io.sampleforge.spark.diffusion.PosteriorSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code posterior} job's config (conf/jobs/posterior.yaml documents every key), validated on
 * construction: the measurement table {@code input} (the {@code corrupt} job's output or the same
 * columns), its {@code id_column} (default row_key, corrupt's id without one); the prior {@code model}
 * ({@link DiffuseModelConfig}: gmm or gmm-fit for every sampler; torchscript (differentiated by DJL autograd)
 * or trained for tds, dps and replace; onnx for replace only, as ONNX Runtime cannot differentiate); the {@code
 * operator} the measurements were made with ({@code type} noise | mask | linear, {@code sigma_y}, {@code
 * matrix}; {@code mask_rate} is accepted and ignored: each row's mask is its observed flags); the {@code
 * sampler} ({@code name} tds | exact | dps | replace; tds: {@code particles}, {@code ess_threshold}, {@code
 * twist_scale}; dps: {@code step_scale}; replace: {@code jump_length}, {@code jumps});
 * {@code samples} per row, {@code steps}, {@code batch_size}, {@code seed}, {@code partitions} and
 * {@code unobserved_rows} (fail | prior: what a row whose mask hides every cell gets) and the {@code
 * schedule} ({@code type} edm | vp; edm's {@code sigma_min}, {@code sigma_max}, {@code rho}), and {@code
 * output_rows} (samples | summary: {@link PosteriorRows}), and {@code sigma_y_column} (each row's measurement
 * noise from a column instead of operator.sigma_y).
 */
public record PosteriorConfig(String input, TableFormat inputFormat, String output, WriteMode mode, TableFormat format,
    String idColumn, DiffuseModelConfig model, CorruptConfig.OperatorConfig operator, SamplerConfig sampler,
    Integer samples, Integer steps, Integer batchSize, Long seed, Integer partitions, String unobservedRows,
    ScheduleConfig schedule, String outputRows,
    @com.fasterxml.jackson.annotation.JsonProperty("sigma_y_column") String sigmaYColumn) implements JobTarget {

  /**
   * The noise levels of tds, dps and replace: {@code type} edm (default; an exported prior: vp) or vp; edm's
   * sigmas and rho; vp's discrete training schedule under the {@code diffuse} job's names ({@code
   * beta_schedule}, {@code num_train_timesteps}, {@code beta_start}, {@code beta_end}; diffusers' defaults),
   * which an exported network must be given as it was trained (its model time is that schedule's timestep).
   */
  public record ScheduleConfig(String type, Double sigmaMin, Double sigmaMax, Double rho, String betaSchedule,
      Integer numTrainTimesteps, Double betaStart, Double betaEnd) {
    PosteriorSchedule build() {
      PosteriorSchedule.Kind kind = PosteriorSchedule.Kind.parse("schedule.type", type);
      if (kind == PosteriorSchedule.Kind.VP && (sigmaMin != null || sigmaMax != null || rho != null)) {
        throw ConfigException.of(sigmaMin != null ? "schedule.sigma_min" : sigmaMax != null ? "schedule.sigma_max"
            : "schedule.rho", "applies to schedule.type edm only", "set");
      }
      String discrete = betaSchedule != null ? "schedule.beta_schedule" : numTrainTimesteps != null
          ? "schedule.num_train_timesteps" : betaStart != null ? "schedule.beta_start" : betaEnd != null
          ? "schedule.beta_end" : null;
      if (kind == PosteriorSchedule.Kind.EDM && discrete != null) {
        throw ConfigException.of(discrete, "applies to schedule.type vp only (the discrete schedule's keys)", "set");
      }
      PosteriorSchedule e = PosteriorSchedule.EDM;
      return new PosteriorSchedule(kind, sigmaMin == null ? e.sigmaMin() : sigmaMin,
          sigmaMax == null ? e.sigmaMax() : sigmaMax, rho == null ? e.rho() : rho,
          discrete == null ? null : PosteriorSchedule.discrete(betaSchedule, numTrainTimesteps, betaStart, betaEnd));
    }
  }

  /** The posterior sampler and its keys. */
  public record SamplerConfig(String name, Integer particles, Double essThreshold, Double twistScale, Double stepScale,
      Integer jumpLength, Integer jumps) {}

  public PosteriorConfig {
    if (input == null || input.isBlank()) {
      throw ConfigException.of("input", "must name the measurement table (Parquet or CSV)", "'" + input + "'");
    }
    if (output == null || output.isBlank()) {
      throw ConfigException.of("output", "must name the output path", "'" + output + "'");
    }
    if (model == null) {
      throw ConfigException.of("model", "is required (model.type: gmm, gmm-fit, torchscript, onnx or trained)", null);
    }
    DiffuseModelConfig.Type type = model.kind();
    boolean trained = type == DiffuseModelConfig.Type.TRAINED;
    boolean exported = type == DiffuseModelConfig.Type.TORCHSCRIPT || type == DiffuseModelConfig.Type.ONNX;
    boolean network = trained || exported;
    if (model.exportedClasses() > 0) {
      throw ConfigException.of("model.num_classes", "does not apply to the posterior job (an unconditional prior)",
          model.numClasses());
    }
    if (model.componentClasses() != null) {
      throw ConfigException.of("model.component_classes", "does not apply to the posterior job (an unconditional "
          + "prior)", "set");
    }
    if (operator == null) {
      throw ConfigException.of("operator", "is required (the operator the measurements were made with)", null);
    }
    if (sampler == null) {
      throw ConfigException.of("sampler", "is required (sampler.name: tds, exact, dps or replace)", null);
    }
    inputFormat = inputFormat == null ? TableFormat.ofPath(input) : inputFormat;
    mode = mode == null ? WriteMode.ERROR : mode;
    format = format == null ? TableFormat.PARQUET : format;
    idColumn = idColumn == null || idColumn.isBlank() ? "row_key" : idColumn;
    samples = samples == null ? 16 : samples;
    steps = steps == null ? 50 : steps;
    batchSize = batchSize == null ? 1024 : batchSize;
    seed = seed == null ? io.sampleforge.random.Seeds.DEFAULT : seed;
    if (partitions != null && partitions < 1) {
      throw ConfigException.of("partitions", "must be >= 1", partitions);
    }
    unobservedRows = PosteriorSettings.Unobserved.parse("unobserved_rows", unobservedRows).id();
    outputRows = PosteriorRows.parse(outputRows).id();
    if (outputRows.equals(PosteriorRows.SUMMARY.id()) && samples < 2) {
      throw ConfigException.of("samples", "must be >= 2 for output_rows summary (a variance and an interval need two "
          + "samples)", samples);
    }
    PosteriorSettings.Kind kind = PosteriorSettings.Kind.parse("sampler.name", sampler.name());
    if (network && kind == PosteriorSettings.Kind.EXACT) {
      throw ConfigException.of("model.type", type.id() + " cannot take sampler exact (it draws from the closed-form "
          + "posterior of a gmm or gmm-fit prior; use tds, dps or replace)", model.type());
    }
    if (type == DiffuseModelConfig.Type.ONNX
        && (kind == PosteriorSettings.Kind.TDS || kind == PosteriorSettings.Kind.DPS)) {
      throw ConfigException.of("model.type", "onnx cannot take sampler " + kind.id() + ": its gradient goes through "
          + "the network (DJL's PyTorch autograd), and ONNX Runtime cannot differentiate the model at model.path ('"
          + model.path() + "'); export it to torchscript, or use sampler replace", model.type());
    }
    if (trained && schedule != null) {
      throw ConfigException.of("schedule", "does not apply to a trained prior (it is sampled on the discrete schedule "
          + "it was trained under)", "set");
    }
    if (exported && schedule != null
        && PosteriorSchedule.Kind.parse("schedule.type", schedule.type() == null ? "vp" : schedule.type())
        != PosteriorSchedule.Kind.VP) {
      throw ConfigException.of("schedule.type", "must be vp for an exported prior (the network is called at the "
          + "timesteps of the discrete schedule it was trained under: schedule.beta_schedule, num_train_timesteps, "
          + "beta_start, beta_end)", schedule.type());
    }
    if (exported) {
      schedule = schedule == null ? new ScheduleConfig("vp", null, null, null, null, null, null, null)
          : new ScheduleConfig("vp", schedule.sigmaMin(), schedule.sigmaMax(), schedule.rho(), schedule.betaSchedule(),
              schedule.numTrainTimesteps(),
              schedule.betaStart(), schedule.betaEnd());
    }
    if (network && unobservedRows.equals("prior")) {
      throw ConfigException.of("unobserved_rows", "must be fail for a network prior (prior draws need an exact prior)",
          unobservedRows);
    }
    PosteriorSettings s = settings(sampler, samples, steps, batchSize, seed, unobservedRows, schedule);
    Corruption c = corruption(operator);
    if (sigmaYColumn != null && sigmaYColumn.isBlank()) {
      throw ConfigException.of("sigma_y_column", "must name a column of the measurement table", "'" + sigmaYColumn + "'");
    }
    if (sigmaYColumn != null && s.sampler() == PosteriorSettings.Kind.REPLACE) {
      throw ConfigException.of("sigma_y_column", "does not apply to sampler replace (it copies exact observed cells: "
          + "sigma_y 0)", sigmaYColumn);
    }
    if (s.sampler() == PosteriorSettings.Kind.TDS && !(c.sigmaY() > 0) && sigmaYColumn == null) {
      throw ConfigException.of("operator.sigma_y", "must be > 0 for sampler tds (its weights need the likelihood's "
          + "density; use sampler exact for exact measurements)", c.sigmaY());
    }
    io.sampleforge.spark.diffusion.PosteriorSampling.checkReplace(s, c);
    int d = model.kind() == DiffuseModelConfig.Type.GMM ? model.spec().dimension()
        : trained ? -1 : exported ? java.util.Arrays.stream(model.rowShape()).reduce(1, Math::multiplyExact)
        : model.columns().size();
    if (c.kind() == CorruptionKind.LINEAR && d > 0 && c.matrix() != null && c.matrix()[0].length != d) {
      throw ConfigException.of("operator.matrix", "must have one column per prior dimension (D = " + d + ")",
          c.matrix()[0].length + " columns");
    }
    if (d > 0) {
      c.outputDimension(d); // an image operator's C H W must be D (a trained prior's D is checked by the job)
    }
  }

  /** The sampler settings, validated. */
  public PosteriorSettings samplingSettings() {
    return settings(sampler, samples, steps, batchSize, seed, unobservedRows, schedule);
  }

  /** What is written per measured row: its S samples or their summary. */
  public PosteriorRows rows() {
    return PosteriorRows.parse(outputRows);
  }

  /** The measurement operator (its mask per row comes from the table). */
  public Corruption corruption() {
    return corruption(operator);
  }

  private static PosteriorSettings settings(SamplerConfig s, int samples, int steps, int batchSize, long seed,
      String unobserved, ScheduleConfig schedule) {
    if (schedule != null && PosteriorSettings.Kind.parse("sampler.name", s.name()) == PosteriorSettings.Kind.EXACT) {
      throw ConfigException.of("schedule", "applies to samplers tds, dps and replace only", "set");
    }
    PosteriorSettings.Kind kind = PosteriorSettings.Kind.parse("sampler.name", s.name());
    int particles = s.particles() == null ? 64 : s.particles();
    double ess = s.essThreshold() == null ? 0.5 : s.essThreshold();
    double twist = s.twistScale() == null ? 1.0 : s.twistScale();
    double stepScale = s.stepScale() == null ? 1.0 : s.stepScale();
    int jumpLength = s.jumpLength() == null ? 10 : s.jumpLength();
    int jumps = s.jumps() == null ? 1 : s.jumps();
    onlyFor(kind, PosteriorSettings.Kind.TDS, "sampler.particles", s.particles());
    onlyFor(kind, PosteriorSettings.Kind.TDS, "sampler.ess_threshold", s.essThreshold());
    onlyFor(kind, PosteriorSettings.Kind.TDS, "sampler.twist_scale", s.twistScale());
    onlyFor(kind, PosteriorSettings.Kind.DPS, "sampler.step_scale", s.stepScale());
    onlyFor(kind, PosteriorSettings.Kind.REPLACE, "sampler.jump_length", s.jumpLength());
    onlyFor(kind, PosteriorSettings.Kind.REPLACE, "sampler.jumps", s.jumps());
    return new PosteriorSettings(kind, samples, particles, steps, ess, twist, stepScale, jumpLength, jumps, batchSize,
        seed, PosteriorSettings.Unobserved.parse("unobserved_rows", unobserved),
        schedule == null ? PosteriorSchedule.EDM : schedule.build());
  }

  /** A sampler key set for another sampler is refused (exit 2 naming it). */
  private static void onlyFor(PosteriorSettings.Kind kind, PosteriorSettings.Kind owner, String key, Object value) {
    if (value != null && kind != owner) {
      throw ConfigException.of(key, "applies to sampler " + owner.id() + " only (sampler.name is " + kind.id() + ")",
          value);
    }
  }

  private static Corruption corruption(CorruptConfig.OperatorConfig o) {
    return o.corruption(0.0, false);
  }

  @Override
  public Map<String, String> inputLocations() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("input", input);
    if (model.table() != null) {
      m.put("model.table", model.table());
    }
    return m;
  }
}
