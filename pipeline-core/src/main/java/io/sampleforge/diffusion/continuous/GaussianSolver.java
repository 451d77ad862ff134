package io.sampleforge.diffusion.continuous;

/**
 * A sampler of a Gaussian diffusion model from x_T to the end of its grid. {@link #run} takes x_T;
 * {@link #sample} draws x_T ~ N(0, I) from the keyed stream of each {@link SampleKey}, so the same
 * seed with more steps starts from the same x_T. Stochastic solvers draw their step noise from the
 * same keyed streams: a sample never depends on its batch.
 */
public sealed interface GaussianSolver permits DdimSolver, DpmSolverPlusPlus, UniPc, Deis, SdeDpmSolverPlusPlus,
    DpmSolverSinglestep, EdmSolver, TimeShiftedDpmSolver, Ipndm {
  /** Solves from the given x_T (rows x D, one row per key). */
  SampleBatch run(Denoiser model, double[] xT, SampleKey[] keys, GaussianDraws draws);

  /** The number of model calls a run makes. */
  int modelCalls();

  /** Solves from the keyed x_T of each key. */
  default SampleBatch sample(Denoiser model, SampleKey[] keys, GaussianDraws draws) {
    return run(model, draws.initialNoise(keys, model.dimension()), keys, draws);
  }
}
