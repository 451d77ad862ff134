package io.sampleforge.jobs.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * A location reduced to what it denotes: the Hadoop-qualified URI (scheme, authority, absolute
 * path, so {@code out}, {@code ./out} and {@code file:/cwd/out} are one place), with symbolic links
 * resolved on the local file system (the longest existing prefix is resolved, the rest appended),
 * and no trailing slash. {@link #contains} is a path-prefix test on whole segments. Cost: one file
 * system lookup per path segment on local paths, none elsewhere.
 */
public record PathIdentity(String scheme, String authority, String path) {

  public static PathIdentity of(String location, Configuration conf) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(location);
      FileSystem fs = p.getFileSystem(conf);
      URI uri = fs.makeQualified(p).toUri();
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
      String authority = uri.getAuthority() == null ? "" : uri.getAuthority().toLowerCase(java.util.Locale.ROOT);
      String path = uri.getPath();
      if (scheme.equals("file")) {
        path = realLocalPath(Paths.get(path)).toString();
      }
      while (path.length() > 1 && path.endsWith("/")) {
        path = path.substring(0, path.length() - 1);
      }
      return new PathIdentity(scheme, authority, path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The path with every symbolic link of its existing prefix resolved. */
  static Path realLocalPath(Path absolute) throws IOException {
    Path existing = absolute.normalize();
    Path rest = null;
    while (existing != null && !Files.exists(existing)) {
      Path name = existing.getFileName();
      rest = rest == null ? name : name.resolve(rest);
      existing = existing.getParent();
    }
    if (existing == null) {
      return absolute.normalize();
    }
    Path real = existing.toRealPath();
    return rest == null ? real : real.resolve(rest).normalize();
  }

  /** True when {@code other} is this location or lies under it. */
  public boolean contains(PathIdentity other) {
    if (!scheme.equals(other.scheme) || !authority.equals(other.authority)) {
      return false;
    }
    if (other.path.equals(path)) {
      return true;
    }
    String prefix = path.endsWith("/") ? path : path + "/";
    return other.path.startsWith(prefix);
  }

  @Override
  public String toString() {
    return scheme.isEmpty() ? path : scheme + "://" + authority + path;
  }
}
