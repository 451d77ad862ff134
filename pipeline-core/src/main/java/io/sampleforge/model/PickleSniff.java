package io.sampleforge.model;

import io.sampleforge.errors.ConfigException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/**
 * Recognises a Python pickle stream by its first and last bytes (opcodes as in Python's
 * {@code pickletools}): protocol 2 and later start with the PROTO opcode 0x80 and the protocol
 * number; protocols 0 and 1 start with one of the opcodes a pickler emits first (MARK, an empty
 * container, GLOBAL, a scalar) and end with STOP ({@code '.'}). Neither a zip archive ({@code PK})
 * nor an ONNX protobuf (first tag 0x08) matches. Cost: reads two bytes at each end of the file.
 */
final class PickleSniff {
  private static final int PROTO = 0x80;
  private static final int HIGHEST_PROTOCOL = 5;
  /** Opcodes a protocol 0/1 pickle can start with: ( ] } ) c N I L F S V K J M U T X G. */
  private static final String FIRST_OPCODES = "(]})cNILFSVKJMUTXG";

  private PickleSniff() {}

  /** "protocol N" or "protocol 0 or 1" when {@code head} (the first two bytes) starts a pickle, else null. */
  static String protocol(byte[] head, Path file) {
    int first = head[0] & 0xff;
    if (first == PROTO && head.length > 1 && (head[1] & 0xff) <= HIGHEST_PROTOCOL) {
      return "protocol " + (head[1] & 0xff);
    }
    if (FIRST_OPCODES.indexOf(first) >= 0 && lastByte(file) == '.') {
      return "protocol 0 or 1";
    }
    return null;
  }

  private static int lastByte(Path file) {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      if (f.length() == 0) {
        return -1;
      }
      f.seek(f.length() - 1);
      return f.read();
    } catch (IOException e) {
      throw ConfigException.of("model.path", "must be readable (" + e.getMessage() + ")", "'" + file + "'");
    }
  }
}
