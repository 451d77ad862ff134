/**
 * The notebooks' runtime: a Jupyter kernel that evaluates Java through JShell in its own JVM
 * ({@link io.sampleforge.notebook.SampleforgeKernel}, started by {@link io.sampleforge.notebook.KernelMain}),
 * the cell evaluator that both the kernel and the notebook test use ({@link io.sampleforge.notebook.JShellCells}),
 * and the small display helpers the notebooks call ({@link io.sampleforge.notebook.Charts},
 * {@link io.sampleforge.notebook.TextTable}). Not a Spark stage or a kernel in the sampler sense: nothing here is used by
 * the jobs.
 */
package io.sampleforge.notebook;
