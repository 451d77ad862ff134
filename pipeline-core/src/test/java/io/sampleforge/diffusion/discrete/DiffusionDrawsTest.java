package io.sampleforge.diffusion.discrete;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sampleforge.diffusion.discrete.DiffusionDraws.Kind;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DiffusionDrawsTest {
  /** The counter fields are disjoint: distinct (step, slot, kind) give distinct counters, including at the field limits. */
  @Test
  void countersNeverCollide() {
    Set<Long> seen = new HashSet<>();
    int[] steps = {0, 1, 2, 127, 128, DiffusionDraws.MAX_STEPS - 1};
    int[] slots = {0, 1, 2, 4095, 4096, Integer.MAX_VALUE};
    for (int step : steps) {
      for (int slot : slots) {
        for (Kind kind : Kind.values()) {
          long c = DiffusionDraws.counter(step, slot, kind);
          assertEquals(step, c >>> 35);
          assertEquals(slot, (c >>> 3) & 0xFFFF_FFFFL);
          assertEquals(kind.ordinal(), c & 7);
          seen.add(c);
        }
      }
    }
    assertEquals(steps.length * slots.length * Kind.values().length, seen.size());
    assertThrows(IllegalArgumentException.class, () -> DiffusionDraws.counter(DiffusionDraws.MAX_STEPS, 0, Kind.VALUE));
    assertThrows(IllegalArgumentException.class, () -> DiffusionDraws.counter(0, -1, Kind.VALUE));
  }

  /** Inverse CDF: the interval of each token is [cumulative before, cumulative after) of the normalised mass. */
  @Test
  void categoricalInvertsTheCdfSkippingTheMaskAndZeros() {
    double[] p = {0.2, 0.0, 0.5, 0.3};
    // mask = 2: the remaining mass is 0.5, split 0.2 | 0 | - | 0.3
    assertEquals(0, DiffusionDraws.categorical(p, 2, 0.0));
    assertEquals(0, DiffusionDraws.categorical(p, 2, 0.399));
    assertEquals(3, DiffusionDraws.categorical(p, 2, 0.401));
    assertEquals(3, DiffusionDraws.categorical(p, 2, 1 - 0x1.0p-53));
    assertEquals(2, DiffusionDraws.categorical(p, 3, 0.5));
    assertEquals(2, DiffusionDraws.argmax(p, 3));
    assertEquals(3, DiffusionDraws.argmax(p, 2));
    assertEquals(0, DiffusionDraws.argmax(new double[] {0.5, 0.5, 0}, 2), "ties go to the smaller id");
    assertThrows(IllegalStateException.class, () -> DiffusionDraws.categorical(new double[] {0, 1}, 1, 0.5));
  }

  /** FloatLogits drops the mask logit and soft-maxes in float64. */
  @Test
  void floatLogitsApplySubs() {
    float[] logits = {1f, 2f, 50f, Float.NEGATIVE_INFINITY, 0f, 0f, 0f, 0f};
    FloatLogits out = new FloatLogits(logits, 1, 2, 4, 2);
    double[] p = new double[4];
    out.probabilities(0, 0, p);
    double z = Math.exp(1) + Math.exp(2);
    assertEquals(Math.exp(1) / z, p[0], 1e-15);
    assertEquals(Math.exp(2) / z, p[1], 1e-15);
    assertEquals(0, p[2], 0);
    assertEquals(0, p[3], 0);
    out.probabilities(0, 1, p);
    assertEquals(1.0 / 3, p[0], 1e-15);
    assertEquals(0, p[2], 0);
  }
}
