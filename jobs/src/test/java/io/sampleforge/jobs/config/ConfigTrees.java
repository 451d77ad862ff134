package io.sampleforge.jobs.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik generators of job config trees: the job's example YAML (conf/jobs) with one to four
 * mutations of keys taken from that file and from the config record's components (nested records
 * as dotted keys): a value of the example's shape, a random, wrongly typed or out-of-range value,
 * a removed key, or a typo.
 */
final class ConfigTrees {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private ConfigTrees() {}

  /** A generated tree and the dotted keys its mutations touched. */
  record Mutated(ObjectNode tree, List<String> keys) {
    @Override
    public String toString() {
      return keys + " -> " + tree;
    }
  }

  /** One change to a tree: {@code value} null removes {@code key}. */
  record Mutation(String key, JsonNode value) {
    void apply(ObjectNode root) {
      String[] path = key.split("\\.");
      ObjectNode node = ConfigLoader.parentOf(root, path);
      if (value == null) {
        node.remove(path[path.length - 1]);
      } else {
        node.set(path[path.length - 1], value);
      }
    }
  }

  /** Trees for {@code type}, mutated from conf/jobs/{@code job}.yaml. */
  static Arbitrary<Mutated> of(String job, Class<?> type) {
    ObjectNode base = ConfigLoader.tree(Path.of("..", "conf", "jobs", job + ".yaml"), List.of());
    List<String> keys = knownKeys(base, type);
    Arbitrary<Mutation> mutation = Arbitraries.oneOf(
        Arbitraries.of(keys).flatMap(k -> near(base.at("/" + k.replace(".", "/"))).map(v -> new Mutation(k, v))),
        Arbitraries.of(keys).flatMap(k -> near(base.at("/" + k.replace(".", "/"))).map(v -> new Mutation(k, v))),
        Combinators.combine(Arbitraries.of(keys), values(2)).as(Mutation::new),
        Combinators.combine(Arbitraries.of(keys), values(2)).as(Mutation::new),
        Arbitraries.of(keys).map(k -> new Mutation(k, null)),
        Combinators.combine(Arbitraries.of(keys).flatMap(ConfigTrees::typo), values(1)).as(Mutation::new));
    return mutation.list().ofMinSize(1).ofMaxSize(4).map(ms -> {
      ObjectNode tree = base.deepCopy();
      List<String> touched = new ArrayList<>();
      for (Mutation m : ms) {
        m.apply(tree);
        touched.add(m.key());
      }
      return new Mutated(tree, touched);
    });
  }

  /** Dotted leaf keys of the example tree plus the record's components (snake case), sorted. */
  static List<String> knownKeys(ObjectNode base, Class<?> type) {
    TreeSet<String> keys = new TreeSet<>();
    leaves("", base, keys);
    components("", type, keys);
    return List.copyOf(keys);
  }

  private static void leaves(String prefix, JsonNode node, TreeSet<String> out) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      out.add(prefix + e.getKey());
      if (e.getValue().isObject()) {
        leaves(prefix + e.getKey() + ".", e.getValue(), out);
      }
    }
  }

  private static void components(String prefix, Class<?> type, TreeSet<String> out) {
    for (RecordComponent c : type.getRecordComponents()) {
      String key = prefix + snake(c.getName());
      out.add(key);
      if (c.getType().isRecord()) {
        components(key + ".", c.getType(), out);
      } else if (c.getGenericType() instanceof ParameterizedType p && c.getType() == Map.class) {
        out.add(key + ".x");
      }
    }
  }

  static String snake(String camel) {
    return camel.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
  }

  /** A misspelling of a key's last segment: a dropped, doubled or swapped letter, or camel case. */
  private static Arbitrary<String> typo(String key) {
    int dot = key.lastIndexOf('.');
    String head = key.substring(0, dot + 1);
    String leaf = key.substring(dot + 1);
    Arbitrary<Integer> at = Arbitraries.integers().between(0, Math.max(0, leaf.length() - 1));
    return Arbitraries.oneOf(
        at.map(i -> leaf.length() > 1 ? leaf.substring(0, i) + leaf.substring(i + 1) : leaf + "s"),
        at.map(i -> leaf.substring(0, i) + leaf.charAt(i) + leaf.substring(i)),
        Arbitraries.just(leaf.contains("_") ? leaf.replace("_", "") : leaf.toUpperCase(java.util.Locale.ROOT)),
        Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(6).map(s -> leaf + "_" + s))
        .filter(t -> !t.equals(leaf)).map(t -> head + t);
  }

  /**
   * Values of the example value's own shape (numbers near the usual ranges, lists of proportions,
   * sizes or names), so rules behind the type checks are reached; any value for other keys.
   */
  static Arbitrary<JsonNode> near(JsonNode example) {
    if (example.isArray() && example.size() > 0) {
      JsonNode first = example.get(0);
      Arbitrary<JsonNode> element = first.isFloatingPointNumber()
          ? Arbitraries.doubles().between(0, 1).map(d -> (JsonNode) F.numberNode(d))
          : first.isIntegralNumber() ? Arbitraries.integers().between(-2, 50_000).map(i -> (JsonNode) F.numberNode(i))
          : Arbitraries.of("f0", "f1", "label", "id", "cat", "", "temperature", "top_k", "x")
              .map(t -> (JsonNode) F.textNode(t));
      return element.list().ofMaxSize(4).map(l -> {
        var a = F.arrayNode();
        l.forEach(a::add);
        return (JsonNode) a;
      });
    }
    if (example.isIntegralNumber()) {
      return Arbitraries.longs().between(-5, 100_000).map(l -> (JsonNode) F.numberNode(l));
    }
    if (example.isFloatingPointNumber()) {
      return Arbitraries.doubles().between(-1, 3).map(d -> (JsonNode) F.numberNode(d));
    }
    return values(2);
  }

  /** Any YAML value: scalars of every type and edge, lists and maps nested up to {@code depth}. */
  static Arbitrary<JsonNode> values(int depth) {
    Arbitrary<JsonNode> scalar = Arbitraries.oneOf(
        Arbitraries.just(F.nullNode()),
        Arbitraries.of("", " ", "NaN", "nan", "-1", "0", "1e400", "-0", "inf", "null", "true", "all", "auto",
            "smote", "error", "a,b", "x:1", "0.5", "f0", "label", "id", "99999999999999999999")
            .map(s -> (JsonNode) F.textNode(s)),
        Arbitraries.strings().ofMaxLength(8).map(s -> (JsonNode) F.textNode(s)),
        Arbitraries.integers().between(-1000, 1000).map(i -> (JsonNode) F.numberNode(i)),
        Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE + 1L, Integer.MIN_VALUE - 1L, -1L, 0L, 1L,
            63L, 64L, 4097L).map(l -> (JsonNode) F.numberNode(l)),
        Arbitraries.just(F.numberNode(new BigInteger("123456789012345678901234567890"))),
        Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, 1e308, -1e-9,
            0.5, 0.6, 1.0, 1.5, 2.5, -2.0).map(d -> (JsonNode) F.numberNode(d)),
        Arbitraries.doubles().between(-10, 10).map(d -> (JsonNode) F.numberNode(d)),
        Arbitraries.just(F.numberNode(new BigDecimal("1e400"))),
        Arbitraries.of(true, false).map(b -> (JsonNode) F.booleanNode(b)));
    if (depth == 0) {
      return scalar;
    }
    Arbitrary<JsonNode> inner = values(depth - 1);
    Arbitrary<JsonNode> list = inner.list().ofMaxSize(3).map(l -> {
      var a = F.arrayNode();
      l.forEach(a::add);
      return (JsonNode) a;
    });
    Arbitrary<JsonNode> map = Combinators.combine(
        Arbitraries.of("a", "x", "f0", "type", "0", "").list().ofMaxSize(2).uniqueElements(), inner.list().ofSize(2))
        .as((ks, vs) -> {
          ObjectNode o = F.objectNode();
          for (int i = 0; i < ks.size(); i++) {
            o.set(ks.get(i), vs.get(i));
          }
          return (JsonNode) o;
        });
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, scalar), net.jqwik.api.Tuple.of(2, list), net.jqwik.api.Tuple.of(1, map));
  }
}
