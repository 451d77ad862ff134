package io.sampleforge.model;

import ai.djl.Device;
import java.io.Serializable;

/**
 * A serializable description of the generate job's model, broadcast to the executors and opened
 * by each task ({@link #open}); the heavy parts are shared per JVM where the implementation allows.
 */
public sealed interface ModelSpec extends Serializable permits NgramModelSpec, ExportedModelSpec {
  LoadedModel open(Device device);

  /** The prompt encoder alone (the tokenizer, not the model). */
  PromptEncoder encoder();

  /** Type, content hash and settings, for provenance. */
  String identity();

  /** The longest token sequence (prompt + generated) the model accepts; 0 = unlimited. */
  int context();

  /** True when encoded prompts start with a start-of-sequence id that truncation must keep. */
  boolean startsWithBos();

  /** The end-of-sequence ids the model adds to the sampler's settings (what the rows and the manifest report). */
  java.util.List<Integer> eosIds();

  /** The ids the model bans from being generated (added to the user's bad words). */
  java.util.List<Integer> bannedIds();
}
