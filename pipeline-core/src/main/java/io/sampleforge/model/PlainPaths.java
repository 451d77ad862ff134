package io.sampleforge.model;

import java.nio.file.Path;

/** Locations read as local paths, as they are (each must be readable on every executor). Cost: none. */
public final class PlainPaths implements ModelFiles {
  private static final long serialVersionUID = 1L;

  @Override
  public Path local(String parameter, String location) {
    return Path.of(location);
  }
}
