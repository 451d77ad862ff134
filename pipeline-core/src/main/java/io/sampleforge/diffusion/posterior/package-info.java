/**
 * Posterior sampling for measured rows (the kernel half of issue 23): linear measurement operators
 * with their adjoints and Gaussian likelihood ({@link io.sampleforge.diffusion.posterior.MeasurementOperator}),
 * the exact posterior of a linear-Gaussian measurement under a Gaussian-mixture prior ({@link
 * io.sampleforge.diffusion.posterior.ExactPosterior}), and the twisted diffusion sampler (TDS, Wu et al.
 * 2023), an SMC sampler that is asymptotically exact in the number of particles ({@link
 * io.sampleforge.diffusion.posterior.TwistedDiffusionSampler}), and DPS ({@link
 * io.sampleforge.diffusion.posterior.DpsSampler}; biased by design), and the replacement (RePaint) sampler for
 * exact masks ({@link io.sampleforge.diffusion.posterior.ReplacementSampler}; no gradient, biased unless the
 * missing cells are independent of the observed ones). Flat row-major float64 arrays as in
 * {@code io.sampleforge.diffusion.continuous}, whose noise levels, grids, keyed draws and systematic
 * resampling it reuses. A kernel package: no Spark, no Hadoop, no Scala (LayeringTest). See
 * docs/posterior.md.
 */
package io.sampleforge.diffusion.posterior;
