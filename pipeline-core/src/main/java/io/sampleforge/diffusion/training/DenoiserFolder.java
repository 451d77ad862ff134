package io.sampleforge.diffusion.training;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.sampleforge.diffusion.continuous.BetaSchedule;
import io.sampleforge.diffusion.continuous.PredictionType;
import io.sampleforge.errors.ConfigException;
import io.sampleforge.errors.SampleforgeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The folder of a trained denoiser: {@value #MANIFEST} (format {@value #FORMAT}, version {@value
 * #VERSION}; JSON written with Gson, which DJL already brings) and DJL's parameter file (the {@code
 * Model.save} format, named in the manifest). The manifest holds {@code format}, {@code
 * format_version}, {@code prediction_type} (epsilon), {@code columns}, {@code means}, {@code stds},
 * {@code categorical} (the one-hot encoded columns' names and levels, {@link OneHotEncoding}),
 * {@code schedule} (diffusers' keys), {@code architecture} (type mlp, activation silu, sizes),
 * {@code training} (seed, rows, optimiser adam, loss, learning rate, epochs, batch size), {@code
 * loss_curve} and {@code parameters} (file, sha256). Reading checks every rule and refuses a folder
 * that breaks one with a {@link ConfigException} naming {@link #KEY}, the file and the rule. Cost:
 * one small JSON file and one SHA-256 pass over the parameter file.
 */
public final class DenoiserFolder {
  /** The config key errors name: the model folder. */
  public static final String KEY = "model.dir";
  public static final String MANIFEST = "denoiser.json";
  public static final String FORMAT = "sampleforge-denoiser";
  public static final int VERSION = 1;
  /** The model name DJL's parameter file is saved under. */
  static final String MODEL_NAME = "denoiser";

  private DenoiserFolder() {}

  /** Writes {@value #MANIFEST} into {@code folder}. */
  static void write(Path folder, DenoiserManifest m) throws IOException {
    DenoiserTrainingSettings s = m.settings();
    MlpArchitecture a = m.architecture();
    JsonObject j = new JsonObject();
    j.addProperty("format", FORMAT);
    j.addProperty("format_version", VERSION);
    j.addProperty("prediction_type", PredictionType.EPSILON.id());
    j.add("columns", strings(m.columns()));
    j.add("means", numbers(m.standardisation().means()));
    j.add("stds", numbers(m.standardisation().stds()));
    JsonArray cats = new JsonArray();
    for (OneHotEncoding.Categorical c : m.encoding().categorical()) {
      JsonObject o = new JsonObject();
      o.addProperty("name", c.name());
      o.add("levels", strings(c.levels()));
      cats.add(o);
    }
    j.add("categorical", cats);
    JsonObject sched = new JsonObject();
    sched.addProperty("type", "discrete_vp");
    sched.addProperty("beta_schedule", s.betaSchedule().id());
    sched.addProperty("num_train_timesteps", s.trainSteps());
    sched.addProperty("beta_start", s.betaStart());
    sched.addProperty("beta_end", s.betaEnd());
    j.add("schedule", sched);
    JsonObject arch = new JsonObject();
    arch.addProperty("type", "mlp");
    arch.addProperty("activation", "silu");
    arch.addProperty("input_dim", a.dimension());
    arch.addProperty("hidden_layers", a.hiddenLayers());
    arch.addProperty("hidden_width", a.width());
    arch.addProperty("time_embedding", "sinusoidal");
    arch.addProperty("time_embedding_dim", a.timeEmbedding());
    arch.addProperty("parameters", a.parameterCount());
    j.add("architecture", arch);
    JsonObject t = new JsonObject();
    t.addProperty("seed", m.seed());
    t.addProperty("rows", m.rows());
    t.addProperty("optimizer", "adam");
    t.addProperty("loss", "l2_epsilon");
    t.addProperty("learning_rate", s.learningRate());
    t.addProperty("lr_schedule", s.lrSchedule().id());
    t.addProperty("epochs", s.epochs());
    t.addProperty("batch_size", s.batchSize());
    j.add("training", t);
    j.add("loss_curve", numbers(m.lossCurve()));
    JsonObject p = new JsonObject();
    p.addProperty("file", m.parametersFile());
    p.addProperty("sha256", m.parametersSha256());
    j.add("parameters", p);
    String text = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(j) + "\n";
    Files.writeString(folder.resolve(MANIFEST), text, StandardCharsets.UTF_8);
  }

  /** Reads and checks {@code folder}'s manifest and the parameter file's hash. */
  public static DenoiserManifest read(Path folder) {
    if (folder == null || !Files.isDirectory(folder)) {
      throw ConfigException.of(KEY, "must be a folder written by the denoiser trainer", "'" + folder + "'");
    }
    Path file = folder.resolve(MANIFEST);
    if (!Files.isRegularFile(file)) {
      throw ConfigException.of(KEY, "must hold " + MANIFEST + " (a folder written by the denoiser trainer)",
          "'" + folder + "'");
    }
    JsonObject j;
    try {
      JsonElement e = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
      if (!e.isJsonObject()) {
        throw bad(file, "must be a JSON object", e);
      }
      j = e.getAsJsonObject();
    } catch (IOException | JsonParseException e) {
      throw bad(file, "must be readable JSON (" + e.getMessage() + ")", "'" + file + "'");
    }
    try {
      return parse(folder, file, j);
    } catch (SampleforgeException e) {
      throw e;
    } catch (RuntimeException e) { // a field of the wrong JSON type
      throw bad(file, "must follow format " + FORMAT + " version " + VERSION + " (" + e + ")", "'" + file + "'");
    }
  }

  private static DenoiserManifest parse(Path folder, Path file, JsonObject j) {
    requireEquals(file, j, "format", FORMAT);
    if (!j.has("format_version") || j.get("format_version").getAsInt() != VERSION) {
      throw bad(file, "must have format_version " + VERSION, j.get("format_version"));
    }
    requireEquals(file, j, "prediction_type", PredictionType.EPSILON.id());
    List<String> columns = new ArrayList<>();
    array(file, j, "columns").forEach(e -> columns.add(e.getAsString()));
    double[] means = doubles(file, j, "means");
    double[] stds = doubles(file, j, "stds");
    if (columns.isEmpty() || means.length != columns.size() || stds.length != columns.size()) {
      throw bad(file, "must hold one mean and one std per column (" + columns.size() + " columns, " + means.length
          + " means, " + stds.length + " stds)", columns);
    }
    if (columns.stream().distinct().count() != columns.size()) {
      throw bad(file, "must not repeat a column", columns);
    }
    for (int c = 0; c < stds.length; c++) {
      if (!Double.isFinite(means[c]) || !(stds[c] > 0) || !Double.isFinite(stds[c])) {
        throw bad(file, "must hold a finite mean and a finite std > 0 for column '" + columns.get(c) + "'",
            means[c] + ", " + stds[c]);
      }
    }
    List<OneHotEncoding.Categorical> cats = new ArrayList<>();
    int oneHot = 0;
    OneHotEncoding encoding;
    try {
      for (JsonElement e : array(file, j, "categorical")) {
        JsonObject o = e.getAsJsonObject();
        List<String> levels = new ArrayList<>();
        o.get("levels").getAsJsonArray().forEach(l -> levels.add(l.getAsString()));
        cats.add(new OneHotEncoding.Categorical(o.get("name").getAsString(), levels));
        oneHot += levels.size();
      }
      encoding = new OneHotEncoding(columns.subList(0, Math.max(0, columns.size() - oneHot)), cats);
    } catch (ConfigException e) {
      throw bad(file, "must hold a valid categorical encoding (" + e.getMessage() + ")", "'" + file + "'");
    }
    if (!encoding.encodedColumns().equals(columns)) {
      throw bad(file, "must end its columns with one column name=level per categorical level "
          + encoding.encodedColumns(), columns);
    }
    JsonObject sched = object(file, j, "schedule");
    requireEquals(file, sched, "type", "discrete_vp");
    JsonObject arch = object(file, j, "architecture");
    requireEquals(file, arch, "type", "mlp");
    requireEquals(file, arch, "activation", "silu");
    requireEquals(file, arch, "time_embedding", "sinusoidal");
    if (arch.get("input_dim").getAsInt() != columns.size()) {
      throw bad(file, "must have architecture.input_dim equal to the number of columns (" + columns.size() + ")",
          arch.get("input_dim"));
    }
    JsonObject t = object(file, j, "training");
    DenoiserTrainingSettings settings;
    try {
      settings = new DenoiserTrainingSettings(arch.get("hidden_layers").getAsInt(), arch.get("hidden_width").getAsInt(),
          arch.get("time_embedding_dim").getAsInt(), t.get("learning_rate").getAsDouble(),
          LearningRateSchedule.parse("lr_schedule", t.get("lr_schedule").getAsString()), t.get("epochs").getAsInt(),
          t.get("batch_size").getAsInt(), BetaSchedule.parse("beta_schedule", sched.get("beta_schedule").getAsString()),
          sched.get("num_train_timesteps").getAsInt(), sched.get("beta_start").getAsDouble(),
          sched.get("beta_end").getAsDouble());
    } catch (ConfigException e) {
      throw bad(file, "must hold valid settings (" + e.getMessage() + ")", "'" + file + "'");
    }
    double[] loss = doubles(file, j, "loss_curve");
    JsonObject p = object(file, j, "parameters");
    String params = p.get("file").getAsString();
    if (!params.matches("[A-Za-z0-9._-]+") || params.startsWith(".")) {
      throw bad(file, "must name a parameter file inside the folder (a plain file name)", params);
    }
    String sha = p.get("sha256").getAsString();
    Path paramFile = folder.resolve(params);
    if (!Files.isRegularFile(paramFile)) {
      throw ConfigException.of(KEY, "must hold the parameter file " + params + " named by " + MANIFEST,
          "'" + folder + "'");
    }
    String actual = sha256(paramFile);
    if (!actual.equals(sha)) {
      throw ConfigException.of(KEY, "parameter file " + paramFile + " must have the SHA-256 recorded in " + MANIFEST
          + " (" + sha + "); the file is corrupt or from another training", actual);
    }
    Standardisation st = new Standardisation(columns, means, stds);
    return new DenoiserManifest(st, encoding, settings, t.get("seed").getAsLong(), t.get("rows").getAsInt(), loss,
        params, sha);
  }

  /** The lower-case hex SHA-256 of a file. */
  static String sha256(Path file) {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      byte[] buf = new byte[1 << 16];
      while (in.read(buf) >= 0) {
        // digesting
      }
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (IOException e) {
      throw ConfigException.of(KEY, "parameter file " + file + " must be readable (" + e.getMessage() + ")",
          "'" + file + "'");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  private static ConfigException bad(Path file, String rule, Object value) {
    return ConfigException.of(KEY, "file " + file + " " + rule, value);
  }

  private static void requireEquals(Path file, JsonObject j, String key, String expected) {
    JsonElement e = j.get(key);
    if (e == null || !e.isJsonPrimitive() || !expected.equals(e.getAsString())) {
      throw bad(file, "must have " + key + " \"" + expected + "\"", e);
    }
  }

  private static JsonObject object(Path file, JsonObject j, String key) {
    JsonElement e = j.get(key);
    if (e == null || !e.isJsonObject()) {
      throw bad(file, "must hold an object " + key, e);
    }
    return e.getAsJsonObject();
  }

  private static JsonArray array(Path file, JsonObject j, String key) {
    JsonElement e = j.get(key);
    if (e == null || !e.isJsonArray()) {
      throw bad(file, "must hold an array " + key, e);
    }
    return e.getAsJsonArray();
  }

  private static double[] doubles(Path file, JsonObject j, String key) {
    JsonArray a = array(file, j, key);
    double[] v = new double[a.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = a.get(i).getAsDouble();
    }
    return v;
  }

  private static JsonArray strings(List<String> values) {
    JsonArray a = new JsonArray();
    values.forEach(a::add);
    return a;
  }

  private static JsonArray numbers(double[] values) {
    JsonArray a = new JsonArray();
    for (double v : values) {
      a.add(new JsonPrimitive(v));
    }
    return a;
  }
}
