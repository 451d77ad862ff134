package io.sampleforge.spark;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** Base (a fixture, not a test) of test classes sharing one local[2] SparkSession. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class LocalSparkTest {
  protected SparkSession spark;

  @BeforeAll
  void startSpark() {
    spark = SparkTestSession.start("local[2]");
    org.junit.jupiter.api.Assertions.assertEquals(4, spark.sparkContext().defaultParallelism(),
        "the shared fixture sets spark.default.parallelism=4");
  }

  @AfterAll
  void stopSpark() {
    SparkTestSession.stop(spark);
  }
}
