package io.sampleforge.spark.coreset;

import java.io.Serializable;

/** One row of the cached numeric matrix: its record key and its d feature values. */
record KeyedVector(long key, double[] a) implements Serializable {}
