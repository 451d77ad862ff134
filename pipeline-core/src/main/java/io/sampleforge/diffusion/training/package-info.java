/**
 * A small Gaussian-diffusion denoiser trained on a numeric table (issue 22), so that a user with only
 * a table can synthesise it: {@link io.sampleforge.diffusion.training.DenoiserTrainer} trains an MLP
 * epsilon-predictor with DJL's training API (PyTorch engine) on standardised rows under a diffusers
 * discrete VP schedule and writes a model folder; {@link io.sampleforge.diffusion.training.TrainedDenoiser}
 * loads such a folder as a {@link io.sampleforge.diffusion.continuous.Denoiser} for the solvers of
 * {@code io.sampleforge.diffusion.continuous}. Every random draw is keyed
 * ({@link io.sampleforge.random.RandomPurpose#DENOISER_TRAINING}). A kernel package: no Spark, no
 * Hadoop, no Scala (LayeringTest). See docs/continuous.md, section "Denoiser trainer".
 */
package io.sampleforge.diffusion.training;
