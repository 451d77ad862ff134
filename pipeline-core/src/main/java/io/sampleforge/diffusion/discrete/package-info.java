/**
 * Masked (absorbing-state) discrete diffusion sampling kernels: the batched {@link
 * io.sampleforge.diffusion.discrete.MaskedDenoiser} contract, the exact Markov-chain reference model,
 * mask schedules, and the ancestral (MDLM), first-hitting (Zheng et al. 2024) and
 * confidence-remasking (LLaDA, Dream) samplers with keyed float64 draws, Fast-dLLM / Fast-dLLM++
 * parallel decoding (threshold, factor and Fréchet-profile commit rules), ODD's diverse decoding of the
 * samples of one prompt, and reward-guided decoding (SVDD, DiDi-Instruct reranking) with pluggable
 * sequence rewards. A kernel package: no Spark, no Hadoop, no Scala (LayeringTest).
 */
package io.sampleforge.diffusion.discrete;
