package io.sampleforge.jobs.config;

import static org.junit.jupiter.api.Assertions.fail;

import io.sampleforge.errors.ConfigException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Property: any {@code --set} string gives a config tree or a ConfigException, nothing else. */
class OverridePropertyTest {

  @Property(tries = 500, seed = "1606")
  void setStringsGiveATreeOrAConfigError(@ForAll("overrides") List<String> overrides) {
    try {
      ConfigLoader.tree(null, overrides);
    } catch (ConfigException e) {
      // rejected with a config error: fine
    } catch (RuntimeException e) {
      fail("--set " + overrides + " threw " + e.getClass().getName() + ": " + e.getMessage(), e);
    }
  }

  @Provide
  Arbitrary<List<String>> overrides() {
    Arbitrary<String> key = Arbitraries.oneOf(
        Arbitraries.of("k", "lineage.parent_id", "model.type", "a.b.c", ".", "..", "a.", ".a", "a..b", " ", "", " k ",
            "sampling_strategy.rare", "=", "k.=", "é"),
        Arbitraries.strings().withChars("ab._ =").ofMaxLength(5));
    Arbitrary<String> value = Arbitraries.oneOf(
        Arbitraries.of("", "1", "-1", "[a,b]", "{a: 1}", "[", "{", "]", "'", "\"", ":", "- x", "*a", "&a x", "!!int x",
            "!!binary x", "---", "...", "a: b: c", "? x", "|", ">", "%YAML 1.2", "@", "`", "~", "null", ".nan", "1e400",
            "[[[[[[[[", "{a: [1, {b: 2}]}", "a=b", "\t", "\n", "#"),
        Arbitraries.strings().withChars("[]{}:,-'\"!&*#|>%@` \n\tab1.=").ofMaxLength(10));
    return Combinators.combine(key, Arbitraries.of("=", "", "==", " = "), value).as((k, eq, v) -> k + eq + v)
        .list().ofMinSize(1).ofMaxSize(3);
  }
}
