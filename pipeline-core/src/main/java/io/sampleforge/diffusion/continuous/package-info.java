/**
 * Gaussian (continuous-state) diffusion sampling kernels, the first slice of issue 22: VP noise
 * schedules (diffusers' discrete beta schedules and dpm-solver's continuous linear VP), timestep
 * spacings (diffusers' linspace / leading / trailing, dpm-solver's logSNR / time_uniform /
 * time_quadratic), the {@link io.sampleforge.diffusion.continuous.Denoiser} contract with an exact
 * Gaussian-mixture denoiser, and the DDIM, multistep DPM-Solver++ (1 / 2M / 3M), UniPC (bh1 / bh2,
 * data prediction), DEIS (logrho), SDE-DPM-Solver++ (1 / 2M), singlestep DPM-Solver++ (2S) and Euler /
 * Heun on the EDM ODE (Karras rho sigmas) solvers with keyed float64 noise; classifier-free guidance and
 * Feynman-Kac corrector SMC for products of experts ({@link io.sampleforge.diffusion.continuous.FkcSampler}). Plain float64 Java arrays.
 * A kernel package: no Spark, no Hadoop, no
 * Scala (LayeringTest). See docs/continuous.md.
 */
package io.sampleforge.diffusion.continuous;
