package io.sampleforge.diffusion.discrete;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sampleforge.errors.ConfigException;
import org.junit.jupiter.api.Test;

class MaskScheduleTest {
  /** Values from MDLM's definitions: alpha = exp(-sigma(t)). */
  @Test
  void alphaFollowsMdlmsNoiseSchedules() {
    assertEquals(0.75, MaskSchedule.LOG_LINEAR.alpha(0.25), 0);
    assertEquals(Math.exp(-2.5), MaskSchedule.LINEAR.alpha(0.25), 1e-15);
    assertEquals(1e-3 + 0.999 * Math.sqrt(0.5), MaskSchedule.COSINE.alpha(0.5), 1e-15);
    for (MaskSchedule s : MaskSchedule.values()) {
      assertEquals(1, s.alpha(0), 1e-15, s.id());
      double previous = 1;
      for (int i = 1; i <= 100; i++) {
        double t = i / 100.0;
        double a = s.alpha(t);
        assertTrue(a < previous, s.id() + " decreasing at " + t);
        previous = a;
        assertEquals(t, s.time(a), 1e-9, s.id() + " inverse at " + t);
      }
    }
  }

  @Test
  void parseAcceptsTheConfigNamesAndListsThemOnError() {
    assertEquals(MaskSchedule.LOG_LINEAR, MaskSchedule.parse("schedule", "log-linear"));
    assertEquals(MaskSchedule.LOG_LINEAR, MaskSchedule.parse("schedule", "LOG_LINEAR"));
    assertEquals(MaskSchedule.COSINE, MaskSchedule.parse("schedule", "cosine"));
    ConfigException e = assertThrows(ConfigException.class, () -> MaskSchedule.parse("sampler.schedule", "geometric"));
    assertTrue(e.getMessage().contains("'sampler.schedule' must be one of [log-linear, linear, cosine]; got geometric"),
        e.getMessage());
  }

  @Test
  void settingsRejectBadValuesByName() {
    assertTrue(assertThrows(ConfigException.class,
        () -> new AncestralSettings(0, MaskSchedule.LOG_LINEAR, 1e-5, true, true)).getMessage().contains("'steps'"));
    assertTrue(assertThrows(ConfigException.class,
        () -> new AncestralSettings(8, MaskSchedule.LOG_LINEAR, 1.0, true, true)).getMessage().contains("'eps'"));
    assertTrue(assertThrows(ConfigException.class,
        () -> new FirstHittingSettings(MaskSchedule.LOG_LINEAR, 0)).getMessage().contains("'tokens_per_step'"));
    AncestralSettings s = new AncestralSettings(4, MaskSchedule.LOG_LINEAR, 1e-5, true, true);
    assertEquals(1, s.time(0), 0);
    assertEquals(1 - 0.5 * (1 - 1e-5), s.time(2), 1e-15);
    assertEquals(1e-5, s.time(4), 0);
  }
}
