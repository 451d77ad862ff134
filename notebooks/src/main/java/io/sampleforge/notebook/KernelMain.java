package io.sampleforge.notebook;

import java.nio.file.Files;
import java.nio.file.Path;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

/**
 * Starts the notebooks' Jupyter kernel: {@code java ... io.sampleforge.notebook.KernelMain CONNECTION_FILE},
 * as written into the kernelspec by {@code notebooks/run.sh}. The cells see this JVM's classpath.
 */
public final class KernelMain {
  private KernelMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1 || !Files.isRegularFile(Path.of(args[0]))) {
      System.err.println("usage: KernelMain CONNECTION_FILE (the Jupyter connection file; got "
          + String.join(" ", args) + ")");
      System.exit(2);
    }
    KernelConnectionProperties properties = KernelConnectionProperties.parse(Files.readString(Path.of(args[0])));
    JupyterConnection connection = new JupyterConnection(properties);
    SampleforgeKernel kernel = SampleforgeKernel.builder(System.getProperty("java.class.path")).build();
    kernel.becomeHandlerForConnection(connection);
    connection.connect();
    connection.waitUntilClose();
    System.exit(0);
  }
}
