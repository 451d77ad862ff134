package io.sampleforge.jobs.config;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.errors.SampleforgeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads a job config: an optional YAML file, then {@code key=value} overrides (dotted keys reach
 * into nested maps; values are parsed as YAML, so {@code features=[a,b]} is a list), bound to an
 * immutable record whose constructor validates it. Unknown keys and wrongly typed values are
 * config errors (exit 2) naming the key. Cost: proportional to the config size.
 */
public final class ConfigLoader {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      // a null (or empty) entry in a list or map is an error naming its key, not an NPE later
      .setDefaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));

  private ConfigLoader() {}

  /** The merged config tree (file, then overrides in order). */
  public static ObjectNode tree(Path file, List<String> overrides) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw ConfigException.of("--config", "must be a readable YAML file", file);
      }
      try {
        JsonNode read = YAML.readTree(file.toFile());
        if (read != null && !read.isMissingNode() && !read.isNull()) {
          if (!read.isObject()) {
            throw ConfigException.of("--config", "must hold a YAML mapping at the top level", file);
          }
          root = (ObjectNode) read;
        }
      } catch (IOException e) {
        throw new ConfigException("parameter '--config' must be valid YAML; " + file + ": " + e.getMessage());
      }
    }
    for (String o : overrides) {
      int eq = o.indexOf('=');
      if (eq <= 0) {
        throw ConfigException.of("--set", "must be key=value", "'" + o + "'");
      }
      set(root, o.substring(0, eq).trim(), o.substring(eq + 1));
    }
    return root;
  }

  /** Sets a dotted key to a YAML-parsed value. */
  public static void set(ObjectNode root, String dottedKey, String value) {
    String[] path = dottedKey.split("\\.", -1);
    for (String segment : path) {
      if (segment.isBlank()) {
        throw ConfigException.of("--set", "must be key=value with a dotted key of non-empty names", "'" + dottedKey + "'");
      }
    }
    ObjectNode node = parentOf(root, path);
    JsonNode parsed;
    try {
      parsed = value.isEmpty() ? JsonNodeFactory.instance.textNode("") : YAML.readTree(value);
    } catch (JsonProcessingException e) {
      parsed = JsonNodeFactory.instance.textNode(value);
    }
    node.set(path[path.length - 1], parsed == null || parsed.isMissingNode() ? JsonNodeFactory.instance.nullNode() : parsed);
  }

  /** The map that holds the last segment of {@code path}, made (replacing scalars) where missing. */
  static ObjectNode parentOf(ObjectNode root, String[] path) {
    ObjectNode node = root;
    for (int i = 0; i < path.length - 1; i++) {
      JsonNode child = node.get(path[i]);
      if (!(child instanceof ObjectNode)) {
        child = node.putObject(path[i]);
      }
      node = (ObjectNode) child;
    }
    return node;
  }

  /** Binds the tree to a config record; errors name the offending key. */
  public static <T> T bind(ObjectNode tree, Class<T> type) {
    try {
      return YAML.treeToValue(tree, type);
    } catch (UnrecognizedPropertyException e) {
      String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
      throw ConfigException.of(path(e), "is not a known key (known: " + known + ")", "'" + e.getPropertyName() + "'");
    } catch (InvalidFormatException e) {
      throw ConfigException.of(path(e), "must be of type " + e.getTargetType().getSimpleName(), "'" + e.getValue() + "'");
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause();
      while (cause != null && !(cause instanceof SampleforgeException)) {
        cause = cause.getCause();
      }
      if (cause instanceof ConfigException c && !path(e).isEmpty()) {
        throw KeyedMessages.atKey(path(e), c);
      }
      if (cause != null) {
        throw (SampleforgeException) cause;
      }
      throw new ConfigException("invalid config: " + e.getOriginalMessage());
    } catch (MismatchedInputException e) {
      throw ConfigException.of(path(e), "has the wrong shape or type (expected " + e.getTargetType().getSimpleName() + ")", e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      String key = e.getProcessor() instanceof JsonParser p ? path(p.getParsingContext()) : "";
      if (!key.isEmpty()) {
        throw ConfigException.of(key, "has a value out of range or of the wrong type", e.getOriginalMessage());
      }
      throw new ConfigException("invalid config: " + e.getOriginalMessage());
    }
  }

  private static String path(JsonStreamContext context) {
    String out = "";
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      String segment = c.inObject() ? c.getCurrentName() : "[" + c.getCurrentIndex() + "]";
      if (segment != null) {
        out = out.isEmpty() ? segment : segment + "." + out;
      }
    }
    return out;
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."));
  }

  /** The tree as plain JSON-ready objects, for manifests. */
  public static ObjectMapper json() {
    return new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
  }
}
