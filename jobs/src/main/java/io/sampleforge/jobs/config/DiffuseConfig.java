package io.sampleforge.jobs.config;

import io.sampleforge.diffusion.continuous.BetaSchedule;
import io.sampleforge.diffusion.continuous.DdimSettings;
import io.sampleforge.diffusion.continuous.DeisSettings;
import io.sampleforge.diffusion.continuous.DynamicCompensation;
import io.sampleforge.diffusion.continuous.DpmSolverSinglestepSettings;
import io.sampleforge.diffusion.continuous.DynamicThresholding;
import io.sampleforge.diffusion.continuous.EdmSettings;
import io.sampleforge.diffusion.continuous.TimeShiftSettings;
import io.sampleforge.diffusion.continuous.SdeDpmSolverSettings;
import io.sampleforge.diffusion.continuous.UniPcSettings;
import io.sampleforge.diffusion.continuous.DpmSolverSettings;
import io.sampleforge.diffusion.continuous.FinalSigma;
import io.sampleforge.diffusion.continuous.FkcSettings;
import io.sampleforge.diffusion.continuous.PredictionType;
import io.sampleforge.diffusion.continuous.ScheduleSpec;
import io.sampleforge.diffusion.continuous.SolverKind;
import io.sampleforge.diffusion.continuous.SolverSpec;
import io.sampleforge.diffusion.continuous.TimestepSpacing;
import io.sampleforge.errors.ConfigException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code diffuse} job's config (conf/jobs/diffuse.yaml documents every key), validated on
 * construction: either {@code rows} (unconditional samples) or an {@code input} request table; the
 * {@code model} ({@link DiffuseModelConfig}); the {@code schedule} it was trained under; the
 * {@code timesteps} spacing; the {@code solver} and its keys (diffusers' names and defaults); class
 * labels ({@code label_column}) and classifier-free guidance ({@code guidance_scale}); continuous conditions
 * ({@code condition_columns}: columns of an exact mixture model, {@link
 * io.sampleforge.spark.diffusion.RequestConditions}); {@code
 * steps}, {@code batch_size}, {@code seed}, {@code partitions}; and {@code quality_samples} (how many
 * samples the manifest compares with exact draws, for an exact model).
 */
public record DiffuseConfig(String input, TableFormat inputFormat, String output, WriteMode mode, TableFormat format,
    Long rows, String idColumn, String countColumn, Integer samplesPerRequest, String labelColumn,
    Double guidanceScale, DiffuseModelConfig model, ScheduleConfig schedule, TimestepsConfig timesteps,
    SolverConfig solver, TimeShiftConfig timeShift, SmcConfig smc, Integer steps, Integer batchSize, Long seed, Integer partitions,
    Integer qualitySamples, List<String> conditionColumns) implements JobTarget {

  /** The noise schedule the model was trained under (diffusers' names). */
  public record ScheduleConfig(String type, String betaSchedule, Integer numTrainTimesteps, Double betaStart,
      Double betaEnd, Double betaMin, Double betaMax, Double sigmaMin, Double sigmaMax, Double rho,
      Boolean rescaleBetasZeroSnr) {
    ScheduleSpec spec() {
      ScheduleSpec d = ScheduleSpec.DIFFUSERS;
      ScheduleSpec.Kind kind = type == null ? d.kind() : ScheduleSpec.Kind.parse("schedule.type", type);
      String discreteKey = betaSchedule != null ? "schedule.beta_schedule" : numTrainTimesteps != null
          ? "schedule.num_train_timesteps" : betaStart != null ? "schedule.beta_start" : betaEnd != null
          ? "schedule.beta_end" : rescaleBetasZeroSnr != null ? "schedule.rescale_betas_zero_snr" : null;
      String linearKey = betaMin != null ? "schedule.beta_min" : betaMax != null ? "schedule.beta_max" : null;
      String edmKey = sigmaMin != null ? "schedule.sigma_min" : sigmaMax != null ? "schedule.sigma_max"
          : rho != null ? "schedule.rho" : null;
      if (kind != ScheduleSpec.Kind.DISCRETE && discreteKey != null) {
        throw ConfigException.of(discreteKey + "/schedule.type", "applies to schedule.type discrete only (linear is "
            + "dpm-solver's continuous VP with beta_min and beta_max; edm has sigma_min, sigma_max and rho)", type);
      }
      if (kind != ScheduleSpec.Kind.LINEAR && linearKey != null) {
        throw ConfigException.of(linearKey + "/schedule.type", "applies to schedule.type linear only", kind.id());
      }
      if (kind != ScheduleSpec.Kind.EDM && edmKey != null) {
        throw ConfigException.of(edmKey + "/schedule.type", "applies to schedule.type edm only", kind.id());
      }
      if (kind == ScheduleSpec.Kind.EDM) {
        ScheduleSpec e = ScheduleSpec.EDM;
        return ScheduleSpec.edm(sigmaMin == null ? e.sigmaMin() : sigmaMin, sigmaMax == null ? e.sigmaMax() : sigmaMax,
            rho == null ? e.rho() : rho);
      }
      return new ScheduleSpec(kind,
          betaSchedule == null ? d.betaSchedule() : BetaSchedule.parse("schedule.beta_schedule", betaSchedule),
          numTrainTimesteps == null ? d.trainSteps() : numTrainTimesteps, betaStart == null ? d.betaStart() : betaStart,
          betaEnd == null ? d.betaEnd() : betaEnd, betaMin == null ? d.beta0() : betaMin, betaMax == null ? d.beta1() : betaMax)
          .withRescaleBetasZeroSnr(Boolean.TRUE.equals(rescaleBetasZeroSnr));
    }
  }

  /** How the levels are spaced. */
  public record TimestepsConfig(String spacing, String finalSigma, Integer stepsOffset, Double lambdaMinClipped) {}

  /** The solver and its keys (diffusers' names). */
  public record SolverConfig(String name, Integer order, String solverType, Boolean lowerOrderFinal,
      Boolean eulerAtFinal, String orderRule, Double eta, Boolean clipSample, Double clipSampleRange, String variant,
      List<Integer> disableCorrector, String method, Boolean thresholding, Double dynamicThresholdingRatio,
      Double sampleMaxValue, Integer dcOrder, List<Double> dcRatios, Double sChurn, Double sTmin, Double sTmax,
      Double sNoise, Boolean predictX0) {}

  /** Feynman-Kac corrector SMC for guided requests (the block left out: none). */
  public record SmcConfig(Integer particles, Double essThreshold) {
    FkcSettings settings() {
      return new FkcSettings(particles == null ? 16 : particles, essThreshold == null ? 1.0 : essThreshold, true,
          SdeDpmSolverSettings.DIFFUSERS);
    }
  }

  /** The TS-DPM time shift (both keys, or the block left out: no shift). */
  public record TimeShiftConfig(Integer window, Integer cutoff) {
    TimeShiftSettings settings() {
      if (window == null || cutoff == null) {
        throw ConfigException.of("time_shift.window/time_shift.cutoff", "are both required with time_shift (TS-DPM "
            + "presets: DEIS window 10 cutoff 900; DPM-Solver window 15 cutoff 300)", "window " + window + ", cutoff "
            + cutoff);
      }
      return new TimeShiftSettings(window, cutoff);
    }
  }

  public DiffuseConfig {
    if (output == null || output.isBlank()) {
      throw ConfigException.of("output", "must name the output path", "'" + output + "'");
    }
    if ((input == null) == (rows == null)) {
      throw ConfigException.of("rows/input", "give exactly one of rows (unconditional samples) and input (a request table)",
          input == null ? "neither" : "both");
    }
    if (rows != null && rows < 1) {
      throw ConfigException.of("rows", "must be >= 1", rows);
    }
    if (input == null) {
      String set = idColumn != null ? "id_column" : countColumn != null ? "count_column"
          : samplesPerRequest != null ? "samples_per_request" : inputFormat != null ? "input_format"
          : labelColumn != null ? "label_column" : conditionColumns != null ? "condition_columns" : null;
      if (set != null) {
        throw ConfigException.of(set + "/input", "applies only with input (a request table); with rows there is none",
            "input null");
      }
    }
    if (countColumn != null && samplesPerRequest != null) {
      throw ConfigException.of("samples_per_request/count_column", "applies only without count_column",
          samplesPerRequest);
    }
    inputFormat = input == null ? null : inputFormat == null ? TableFormat.ofPath(input) : inputFormat;
    mode = mode == null ? WriteMode.ERROR : mode;
    format = format == null ? TableFormat.PARQUET : format;
    idColumn = input == null ? "id" : idColumn == null ? "id" : idColumn;
    samplesPerRequest = samplesPerRequest == null ? 1 : samplesPerRequest;
    if (samplesPerRequest < 1) {
      throw ConfigException.of("samples_per_request", "must be >= 1", samplesPerRequest);
    }
    if (model == null) {
      throw ConfigException.of("model", "is required (type gmm, gmm-fit, torchscript, onnx or trained)", null);
    }
    if (labelColumn != null && labelColumn.isBlank()) {
      throw ConfigException.of("label_column", "must name a column of the request table", "'" + labelColumn + "'");
    }
    if (labelColumn != null && !model.conditional()) {
      throw ConfigException.of("label_column/model", "needs a class-conditional model (model.component_classes for "
          + "gmm, model.num_classes for torchscript/onnx)", "model.type " + model.type());
    }
    if (conditionColumns != null) {
      if (labelColumn != null) {
        throw ConfigException.of("condition_columns/label_column", "do not combine (class labels select a component "
            + "group; continuous conditions condition the joint mixture)", conditionColumns);
      }
      if (model.kind() != DiffuseModelConfig.Type.GMM && model.kind() != DiffuseModelConfig.Type.GMM_FIT
          || model.componentClasses() != null) {
        throw ConfigException.of("condition_columns", "needs an unconditional exact Gaussian-mixture model (model.type "
            + "gmm or gmm-fit over the conditions and the sampled columns); exported and trained networks take no "
            + "continuous conditions yet", "model.type " + model.type());
      }
      if (conditionColumns.isEmpty() || conditionColumns.stream().anyMatch(c -> c == null || c.isBlank())) {
        throw ConfigException.of("condition_columns", "must name at least one column of the request table",
            conditionColumns);
      }
      conditionColumns = List.copyOf(conditionColumns);
    }
    guidanceScale = guidanceScale == null ? 1.0 : guidanceScale;
    if (!(guidanceScale >= 0) || Double.isInfinite(guidanceScale)) {
      throw ConfigException.of("guidance_scale", "must be finite and >= 0", guidanceScale);
    }
    if (guidanceScale != 1.0 && labelColumn == null) {
      throw ConfigException.of("guidance_scale/label_column", "guidance applies only to class-labelled requests "
          + "(label_column)", guidanceScale);
    }
    schedule = schedule == null ? new ScheduleConfig(null, null, null, null, null, null, null, null, null, null, null)
        : schedule;
    timesteps = timesteps == null ? new TimestepsConfig(null, null, null, null) : timesteps;
    solver = solver == null ? new SolverConfig(null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null, null, null) : solver;
    steps = steps == null ? 20 : steps;
    batchSize = batchSize == null ? 256 : batchSize;
    if (batchSize < 1) {
      throw ConfigException.of("batch_size", "must be >= 1", batchSize);
    }
    seed = seed == null ? io.sampleforge.random.Seeds.DEFAULT : seed;
    partitions = partitions == null ? (rows == null ? 8 : (int) Math.max(1, Math.min(4096, rows / 20_000 + 1))) : partitions;
    if (partitions < 1) {
      throw ConfigException.of("partitions", "must be >= 1", partitions);
    }
    qualitySamples = qualitySamples == null ? 1000 : qualitySamples;
    if (qualitySamples != 0 && (qualitySamples < 10 || qualitySamples > 2000)) {
      throw ConfigException.of("quality_samples", "must be 0 (off) or in [10, 2000] (the MMD matrix is held on the driver)", qualitySamples);
    }
    SolverSpec spec = solverSpec(schedule, timesteps, solver, steps); // validates the whole sampler
    zeroSnrNeedsX0(spec, model);
    if (spec.kind() == SolverKind.IPNDM) {
      if (timeShift != null || smc != null) {
        throw ConfigException.of(timeShift != null ? "time_shift" : "smc", "does not apply to solver.name ipndm", "set");
      }
    }
    if (timeShift != null && spec.schedule().rescaleBetasZeroSnr()) {
      throw ConfigException.of("time_shift/schedule.rescale_betas_zero_snr", "do not combine (TS-DPM's reference has no "
          + "zero-terminal-SNR schedule)", true);
    }
    if (timeShift != null) {
      TimeShiftSettings ts = timeShift.settings();
      if (spec.schedule().kind() != ScheduleSpec.Kind.DISCRETE) {
        throw ConfigException.of("time_shift/schedule.type", "needs the training timesteps of a discrete schedule",
            spec.schedule().kind().id());
      }
      if (model.kind() == DiffuseModelConfig.Type.GMM && model.spec().dimension() < 2) {
        throw ConfigException.of("time_shift", "needs rows of dimension >= 2 (it matches the variance over a row)",
            model.spec().dimension());
      }
    }
    if (smc != null) {
      if (labelColumn == null) {
        throw ConfigException.of("smc/label_column", "corrects classifier-free guidance: it needs class-labelled "
            + "requests (label_column) and a guidance_scale", smc.particles());
      }
      if (Boolean.TRUE.equals(solver.thresholding())) {
        throw ConfigException.of("smc/solver.thresholding", "do not combine (thresholding changes the target the "
            + "corrector weighs)", true);
      }
      new io.sampleforge.spark.diffusion.GaussianSamplingSettings(spec, seed, batchSize, guidanceScale,
          timeShiftSettings(), smc.settings()); // validates the combination
    }
  }

  /**
   * DDIM on a zero-terminal-SNR schedule whose first timestep is the last training timestep calls the model at
   * alpha 0, where an epsilon prediction gives no x0 (diffusers would return NaN): the model must predict
   * v_prediction or sample (gmm, gmm-fit and trained models predict epsilon).
   */
  private static void zeroSnrNeedsX0(SolverSpec spec, DiffuseModelConfig model) {
    if (spec.kind() != io.sampleforge.diffusion.continuous.SolverKind.DDIM || !spec.schedule().rescaleBetasZeroSnr()
        || spec.spacing().diffusers() == null) {
      return;
    }
    int first = spec.spacing().diffusers().ddimTimesteps(spec.schedule().trainSteps(), spec.steps(), spec.stepsOffset())[0];
    String type = model.predictionType() == null ? PredictionType.EPSILON.id() : model.predictionType();
    if (first == spec.schedule().trainSteps() - 1 && type.equals(PredictionType.EPSILON.id())) {
      throw ConfigException.of("schedule.rescale_betas_zero_snr/model.prediction_type", "ddim's first timestep "
          + first + " has zero SNR (alpha 0), where an epsilon model gives no x0: use a v_prediction or sample "
          + "model, or timesteps.spacing leading", type);
    }
  }

  /** The SMC settings, or null for none (the particle motion comes from the solver's settings). */
  public FkcSettings smcSettings() {
    return smc == null ? null : smc.settings();
  }

  /** What the stage runs: sampler, seed, batch size, guidance, time shift and SMC (validated). */
  public io.sampleforge.spark.diffusion.GaussianSamplingSettings samplingSettings() {
    return new io.sampleforge.spark.diffusion.GaussianSamplingSettings(solverSpec(), seed, batchSize, guidanceScale,
        timeShiftSettings(), smcSettings());
  }

  /** The TS-DPM time shift, or null for none. */
  public TimeShiftSettings timeShiftSettings() {
    return timeShift == null ? null : timeShift.settings();
  }

  /** The sampler, validated. */
  public SolverSpec solverSpec() {
    return solverSpec(schedule, timesteps, solver, steps);
  }

  private static SolverSpec solverSpec(ScheduleConfig schedule, TimestepsConfig ts, SolverConfig s, int steps) {
    SolverKind kind = s.name() == null ? SolverKind.DPMSOLVER_PLUS_PLUS : SolverKind.parse("solver.name", s.name());
    Map<String, Object> given = new LinkedHashMap<>();
    put(given, "solver.order", s.order());
    put(given, "solver.solver_type", s.solverType());
    put(given, "solver.lower_order_final", s.lowerOrderFinal());
    put(given, "solver.euler_at_final", s.eulerAtFinal());
    put(given, "solver.order_rule", s.orderRule());
    put(given, "solver.eta", s.eta());
    put(given, "solver.clip_sample", s.clipSample());
    put(given, "solver.clip_sample_range", s.clipSampleRange());
    put(given, "solver.variant", s.variant());
    put(given, "solver.disable_corrector", s.disableCorrector());
    put(given, "solver.method", s.method());
    put(given, "solver.thresholding", s.thresholding());
    put(given, "solver.dynamic_thresholding_ratio", s.dynamicThresholdingRatio());
    put(given, "solver.sample_max_value", s.sampleMaxValue());
    put(given, "solver.dc_order", s.dcOrder());
    put(given, "solver.dc_ratios", s.dcRatios());
    put(given, "solver.s_churn", s.sChurn());
    put(given, "solver.s_tmin", s.sTmin());
    put(given, "solver.s_tmax", s.sTmax());
    put(given, "solver.s_noise", s.sNoise());
    put(given, "solver.predict_x0", s.predictX0());
    List<String> own = switch (kind) {
      case DDIM -> List.of("eta", "clip_sample", "clip_sample_range");
      case DPMSOLVER_PLUS_PLUS, DPMSOLVER -> List.of("order", "solver_type", "lower_order_final", "euler_at_final",
          "order_rule");
      case SDE_DPMSOLVER_PLUS_PLUS, SDE_DPMSOLVER -> List.of("order", "solver_type", "lower_order_final",
          "euler_at_final");
      case DPMSOLVER_SINGLESTEP, DPMSOLVER_SINGLESTEP_NOISE -> List.of("order", "solver_type", "method");
      case UNIPC -> List.of("order", "variant", "lower_order_final", "disable_corrector", "dc_order", "dc_ratios",
          "predict_x0");
      case DEIS -> List.of("order", "lower_order_final");
      case IPNDM -> List.of();
      case EULER, HEUN -> List.of("s_churn", "s_tmin", "s_tmax", "s_noise");
    };
    List<String> allowed = new java.util.ArrayList<>(own);
    if (kind != SolverKind.EULER && kind != SolverKind.HEUN && kind != SolverKind.IPNDM) {
      allowed.addAll(List.of("thresholding", "dynamic_thresholding_ratio", "sample_max_value"));
    }
    if (!Boolean.TRUE.equals(s.thresholding())) {
      String loose = s.dynamicThresholdingRatio() != null ? "solver.dynamic_thresholding_ratio"
          : s.sampleMaxValue() != null ? "solver.sample_max_value" : null;
      if (loose != null && allowed.contains(loose.substring("solver.".length()))) {
        throw ConfigException.of(loose + "/solver.thresholding", "applies only with solver.thresholding: true",
            given.get(loose));
      }
    }
    for (Map.Entry<String, Object> e : given.entrySet()) {
      if (!allowed.contains(e.getKey().substring("solver.".length()))) {
        throw ConfigException.of(e.getKey(), "does not apply to solver.name " + kind.id() + " (its keys: "
            + (allowed.isEmpty() ? "none" : allowed) + ")", e.getValue());
      }
    }
    if (s.sChurn() == null || s.sChurn() == 0) {
      String loose = s.sTmin() != null ? "solver.s_tmin" : s.sTmax() != null ? "solver.s_tmax"
          : s.sNoise() != null ? "solver.s_noise" : null;
      if (loose != null && allowed.contains(loose.substring("solver.".length()))) {
        throw ConfigException.of(loose + "/solver.s_churn", "applies only with solver.s_churn > 0 (the churn it "
            + "shapes; s_churn is " + (s.sChurn() == null ? "unset" : "0") + ")", given.get(loose));
      }
    }
    if (s.dcOrder() != null && s.dcRatios() == null) {
      throw ConfigException.of("solver.dc_order/solver.dc_ratios", "applies only with solver.dc_ratios (DC-Solver's "
          + "per-step ratios; fit them with bench/continuous/dc_ratios.sh)", s.dcOrder());
    }
    java.io.Serializable settings;
    try {
      settings = settings(kind, s);
      if (Boolean.TRUE.equals(s.thresholding())) {
        DynamicThresholding t = DynamicThresholding.on(
            s.dynamicThresholdingRatio() == null ? DynamicThresholding.OFF.ratio() : s.dynamicThresholdingRatio(),
            s.sampleMaxValue() == null ? DynamicThresholding.OFF.sampleMaxValue() : s.sampleMaxValue());
        settings = withThresholding(settings, t);
      }
    } catch (ConfigException e) {
      throw new ConfigException(e.getMessage().replaceFirst("parameter 'solver_order'", "parameter 'solver.order'")
          .replaceFirst("parameter '(?!solver\\.)", "parameter 'solver."));
    }
    if (kind == SolverKind.IPNDM) {
      ipndmOwnGrid(schedule, ts);
    }
    TimestepSpacing spacing = ts.spacing() != null ? TimestepSpacing.parse("timesteps.spacing", ts.spacing())
        : switch (kind) {
          case DDIM -> TimestepSpacing.LEADING;
          case DPMSOLVER_SINGLESTEP, DPMSOLVER_SINGLESTEP_NOISE -> TimestepSpacing.LOGSNR;
          case EULER, HEUN -> TimestepSpacing.KARRAS;
          default -> TimestepSpacing.LINSPACE;
        };
    if (spacing.diffusers() == null && ts.stepsOffset() != null) {
      throw ConfigException.of("timesteps.steps_offset", "applies to linspace, leading and trailing only; timesteps.spacing "
          + "is " + spacing.id(), ts.stepsOffset());
    }
    if (spacing.skip() != null && ts.finalSigma() != null) {
      throw ConfigException.of("timesteps.final_sigma", "applies to linspace, leading, trailing and karras only (a "
          + "dpm-solver skip type ends at t = 1/N_train); timesteps.spacing is " + spacing.id(), ts.finalSigma());
    }
    FinalSigma last = ts.finalSigma() != null ? FinalSigma.parse("timesteps.final_sigma", ts.finalSigma())
        : kind == SolverKind.DEIS || kind == SolverKind.DPMSOLVER || kind == SolverKind.SDE_DPMSOLVER
            ? FinalSigma.SIGMA_MIN : FinalSigma.ZERO;
    try {
      return new SolverSpec(schedule.spec(), spacing, last, ts.stepsOffset() == null ? 0 : ts.stepsOffset(), kind, steps,
          settings, ts.lambdaMinClipped() == null ? Double.NEGATIVE_INFINITY : ts.lambdaMinClipped());
    } catch (ConfigException e) {
      String m = KernelKeys.rename(e.getMessage());
      if (m.startsWith("parameter 'steps'") && m.contains("num_train_timesteps")) {
        m = m.replaceFirst("parameter 'steps'", "parameter 'steps/schedule.num_train_timesteps'");
      }
      throw new ConfigException(m);
    }
  }

  /**
   * iPNDM walks diffusers' {@code IPNDMScheduler} grid (its own sin^2 schedule and model time in (0, 1]): the
   * schedule and timesteps keys do not apply, and are refused by name.
   */
  private static void ipndmOwnGrid(ScheduleConfig sc, TimestepsConfig ts) {
    Object[][] keys = {{"schedule.type", sc.type()}, {"schedule.beta_schedule", sc.betaSchedule()},
        {"schedule.num_train_timesteps", sc.numTrainTimesteps()}, {"schedule.beta_start", sc.betaStart()},
        {"schedule.beta_end", sc.betaEnd()}, {"schedule.beta_min", sc.betaMin()}, {"schedule.beta_max", sc.betaMax()},
        {"schedule.sigma_min", sc.sigmaMin()}, {"schedule.sigma_max", sc.sigmaMax()}, {"schedule.rho", sc.rho()},
        {"schedule.rescale_betas_zero_snr", sc.rescaleBetasZeroSnr()}, {"timesteps.spacing", ts.spacing()},
        {"timesteps.final_sigma", ts.finalSigma()}, {"timesteps.steps_offset", ts.stepsOffset()},
        {"timesteps.lambda_min_clipped", ts.lambdaMinClipped()}};
    for (Object[] k : keys) {
      if (k[1] != null) {
        throw ConfigException.of((String) k[0], "does not apply to solver.name ipndm (it walks its own grid: sigma = "
            + "sin(pi s / 2)^2, s = 1 .. 0, model time in (0, 1], as diffusers' IPNDMScheduler)", k[1]);
      }
    }
  }

  /** The settings record of the named solver, diffusers' (dpm-solver's for singlestep) defaults for unset keys. */
  private static java.io.Serializable settings(SolverKind kind, SolverConfig s) {
    return switch (kind) {
      case DDIM -> new DdimSettings(s.eta() == null ? 0.0 : s.eta(), Boolean.TRUE.equals(s.clipSample()),
          s.clipSampleRange() == null ? 1.0 : s.clipSampleRange());
      case DPMSOLVER_PLUS_PLUS, DPMSOLVER -> {
        DpmSolverSettings d = DpmSolverSettings.DIFFUSERS;
        yield new DpmSolverSettings(s.order() == null ? d.order() : s.order(), solverType(s, d.solverType()),
            s.lowerOrderFinal() == null ? d.lowerOrderFinal() : s.lowerOrderFinal(),
            s.eulerAtFinal() == null ? d.eulerAtFinal() : s.eulerAtFinal(),
            s.orderRule() == null ? d.orderRule() : DpmSolverSettings.OrderRule.parse("order_rule", s.orderRule()));
      }
      case SDE_DPMSOLVER_PLUS_PLUS, SDE_DPMSOLVER -> {
        SdeDpmSolverSettings d = SdeDpmSolverSettings.DIFFUSERS;
        yield new SdeDpmSolverSettings(s.order() == null ? d.order() : s.order(), solverType(s, d.solverType()),
            s.lowerOrderFinal() == null ? d.lowerOrderFinal() : s.lowerOrderFinal(),
            s.eulerAtFinal() == null ? d.eulerAtFinal() : s.eulerAtFinal());
      }
      case DPMSOLVER_SINGLESTEP, DPMSOLVER_SINGLESTEP_NOISE -> {
        DpmSolverSinglestepSettings d = DpmSolverSinglestepSettings.DPM_SOLVER_2S;
        yield new DpmSolverSinglestepSettings(s.order() == null ? d.order() : s.order(), solverType(s, d.solverType()),
            s.method() == null ? d.method() : DpmSolverSinglestepSettings.Method.parse("method", s.method()));
      }
      case UNIPC -> {
        UniPcSettings d = UniPcSettings.DIFFUSERS;
        yield new UniPcSettings(s.order() == null ? d.order() : s.order(),
            s.variant() == null ? d.variant() : UniPcSettings.Variant.parse("variant", s.variant()),
            s.lowerOrderFinal() == null ? d.lowerOrderFinal() : s.lowerOrderFinal(),
            s.disableCorrector() == null ? d.disableCorrector() : s.disableCorrector(), DynamicThresholding.OFF,
            s.dcRatios() == null ? DynamicCompensation.OFF : new DynamicCompensation(
                s.dcOrder() == null ? DynamicCompensation.OFF.order() : s.dcOrder(), s.dcRatios()),
            s.predictX0() == null ? d.predictX0() : s.predictX0());
      }
      case DEIS -> {
        DeisSettings d = DeisSettings.DIFFUSERS;
        yield new DeisSettings(s.order() == null ? d.order() : s.order(), d.algorithm(), d.solver(),
            s.lowerOrderFinal() == null ? d.lowerOrderFinal() : s.lowerOrderFinal());
      }
      case EULER, HEUN -> (kind == SolverKind.EULER ? EdmSettings.EULER : EdmSettings.HEUN).withChurn(churn(s));
      case IPNDM -> io.sampleforge.diffusion.continuous.IpndmSettings.DIFFUSERS;
    };
  }

  /** The EDM churn keys, diffusers' defaults (s_churn 0, s_tmin 0, s_tmax inf, s_noise 1) for unset ones. */
  private static io.sampleforge.diffusion.continuous.EdmChurn churn(SolverConfig s) {
    io.sampleforge.diffusion.continuous.EdmChurn d = io.sampleforge.diffusion.continuous.EdmChurn.OFF;
    return new io.sampleforge.diffusion.continuous.EdmChurn(s.sChurn() == null ? d.sChurn() : s.sChurn(),
        s.sTmin() == null ? d.sTmin() : s.sTmin(), s.sTmax() == null ? d.sTmax() : s.sTmax(),
        s.sNoise() == null ? d.sNoise() : s.sNoise());
  }

  private static java.io.Serializable withThresholding(java.io.Serializable settings, DynamicThresholding t) {
    if (settings instanceof DdimSettings d) {
      return d.withThresholding(t);
    } else if (settings instanceof DpmSolverSettings d) {
      return d.withThresholding(t);
    } else if (settings instanceof SdeDpmSolverSettings d) {
      return d.withThresholding(t);
    } else if (settings instanceof DpmSolverSinglestepSettings d) {
      return d.withThresholding(t);
    } else if (settings instanceof UniPcSettings d) {
      return d.withThresholding(t);
    } else if (settings instanceof DeisSettings d) {
      return d.withThresholding(t);
    }
    throw new IllegalStateException("no thresholding for " + settings);
  }

  private static DpmSolverSettings.SolverType solverType(SolverConfig s, DpmSolverSettings.SolverType d) {
    return s.solverType() == null ? d : DpmSolverSettings.SolverType.parse("solver_type", s.solverType());
  }

  /** The kernel's key names (diffusers' argument names) as this job's config keys. */
  private static final class KernelKeys {
    private static final Map<String, String> KEYS = Map.of("num_inference_steps", "steps", "steps_offset",
        "timesteps.steps_offset", "solver_order", "solver.order", "timesteps", "steps", "final_sigmas_type",
        "timesteps.final_sigma", "eta", "solver.eta", "clip_sample_range", "solver.clip_sample_range",
        "lambda_min_clipped", "timesteps.lambda_min_clipped");

    static String rename(String message) {
      java.util.regex.Matcher p = java.util.regex.Pattern.compile("^parameter '([^']*)'").matcher(message);
      if (!p.find()) {
        return message;
      }
      List<String> renamed = new java.util.ArrayList<>();
      for (String k : p.group(1).split("/")) {
        renamed.add(KEYS.getOrDefault(k, k));
      }
      return "parameter '" + String.join("/", renamed) + "'" + message.substring(p.end());
    }
  }

  private static void put(Map<String, Object> m, String key, Object value) {
    if (value != null) {
      m.put(key, value);
    }
  }

  @Override
  public Map<String, String> inputLocations() {
    Map<String, String> m = new LinkedHashMap<>();
    if (input != null) {
      m.put("input", input);
    }
    if (model.table() != null) {
      m.put("model.table", model.table());
    }
    if (model.path() != null) {
      m.put("model.path", model.path());
    }
    if (model.dir() != null) {
      m.put("model.dir", model.dir());
    }
    return m;
  }
}
