package io.sampleforge.spark;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** Base of test classes sharing one local[2] SparkSession. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class LocalSparkTest {
  protected SparkSession spark;

  @BeforeAll
  void startSpark() {
    spark = SparkTestSession.start("local[2]");
  }

  @AfterAll
  void stopSpark() {
    SparkTestSession.stop(spark);
  }
}
