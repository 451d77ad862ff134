package io.sampleforge.model;

import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/**
 * A structural check of an ONNX file without parsing its graph: walks the top-level fields of the
 * protobuf {@code ModelProto} (onnx/onnx.proto: 1 ir_version, 2 producer_name, 3
 * producer_version, 4 domain, 5 model_version, 6 doc_string, 7 graph, 8 opset_import, 14
 * metadata_props, 20 training_info, 25 functions, 26 configuration), reading each tag and length
 * and seeking over the body. A model must have a plausible ir_version and a graph, every field must
 * have its declared wire type, and the last field must end exactly at the end of the file, which
 * catches truncated files and files of other formats. Unknown field numbers (a newer ONNX) are
 * skipped when their wire type is valid. Cost: one seek per top-level field (tens), no tensor data
 * read.
 */
final class OnnxModelHeader {
  private static final int MAX_FIELDS = 100_000;
  private static final int MAX_IR_VERSION = 100;
  private static final int VARINT = 0;
  private static final int FIXED64 = 1;
  private static final int LENGTH = 2;
  private static final int FIXED32 = 5;

  private OnnxModelHeader() {}

  /** True when the file is a complete ModelProto. */
  static boolean isModel(Path file) {
    return problem(file) == null;
  }

  /** Null for a complete ModelProto, else what is wrong, in a few words. */
  static String problem(Path file) {
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long end = in.length();
      boolean graph = false;
      long irVersion = -1;
      int fields = 0;
      while (in.getFilePointer() < end) {
        if (++fields > MAX_FIELDS) {
          return "more than " + MAX_FIELDS + " top-level fields";
        }
        long tag = varint(in);
        int field = (int) (tag >>> 3);
        int wire = (int) (tag & 7);
        Integer expected = expectedWireType(field);
        if (field == 0 || (expected != null && expected != wire) || (expected == null && !valid(wire))) {
          return "field " + field + " with wire type " + wire + " at byte " + in.getFilePointer()
              + " is not a ModelProto field";
        }
        if (field == 1) {
          irVersion = varint(in);
        } else if (field == 7) {
          graph = true;
        }
        if (field != 1 && !skip(in, wire, end)) {
          return "field " + field + " runs past the end of the file (" + end + " bytes)";
        }
      }
      if (irVersion < 1 || irVersion > MAX_IR_VERSION) {
        return irVersion < 0 ? "no ir_version" : "ir_version " + irVersion + " is not plausible";
      }
      return graph ? null : "no graph";
    } catch (EOFException e) {
      return "the file ends inside a field";
    } catch (IOException e) {
      return "unreadable (" + e.getMessage() + ")";
    }
  }

  private static Integer expectedWireType(int field) {
    return switch (field) {
      case 1, 5 -> VARINT;
      case 2, 3, 4, 6, 7, 8, 14, 20, 25, 26 -> LENGTH;
      default -> null;
    };
  }

  private static boolean valid(int wire) {
    return wire == VARINT || wire == FIXED64 || wire == LENGTH || wire == FIXED32;
  }

  /** Skips a field body; false when it would run past {@code end}. */
  private static boolean skip(RandomAccessFile in, int wire, long end) throws IOException {
    long next = switch (wire) {
      case VARINT -> {
        varint(in);
        yield in.getFilePointer();
      }
      case FIXED64 -> in.getFilePointer() + 8;
      case FIXED32 -> in.getFilePointer() + 4;
      default -> {
        long length = varint(in);
        yield length < 0 ? Long.MAX_VALUE : in.getFilePointer() + length;
      }
    };
    if (next > end) {
      return false;
    }
    in.seek(next);
    return true;
  }

  private static long varint(RandomAccessFile in) throws IOException {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException();
      }
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IOException("malformed varint");
  }
}
