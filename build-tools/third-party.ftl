<#-- license-maven-plugin add-third-party template: docs/THIRD-PARTY.md (the table is generated; the rest is this text) -->
# Third-party libraries and data

Sampleforge is licensed under the Apache License 2.0 ([`LICENSE`](../LICENSE); notices in
[`NOTICE`](../NOTICE)). This page lists the third-party code the cluster jar bundles, what it uses
from the cluster without bundling it, and every third-party data file in the repository.

## Libraries in the cluster uber jar

Regenerate (needs org.codehaus.mojo:license-maven-plugin 2.4.0 in ~/.m2 or from Maven Central, then works offline):

    ./mvnw -B -pl jobs -am -Pcluster -DskipTests package license:add-third-party

This is the `compile` and `runtime` scope dependency tree of `jobs` in the `cluster` profile, which is
exactly what the shade plugin puts into `jobs/target/sampleforge-jobs-cluster.jar` (Sampleforge's own
`pipeline-core` left out). Apache Spark, Scala and Hadoop, and everything a Spark 4.2 distribution
ships (Jackson with its YAML module and SnakeYAML, Gson, Commons Codec and Compress, SLF4J, Netty,
Guava, Arrow, Parquet, log4j, ...), are `provided`: they come from the cluster and are **not** in the
jar, so they are not listed ([What the cluster jar holds](cluster.md#what-the-cluster-jar-holds)).
Licences are as declared in each artifact's POM (or its parent's); artifacts whose POM declares none
say so.

| Licence(s) | Library | group:artifact:version |
|---|---|---|
<#assign listed = 0/>
<#list dependencyMap as e>
<#assign p = e.getKey()/>
<#assign licenses = e.getValue()/>
<#if p.groupId != "io.sampleforge">
<#assign listed = listed + 1/>
| <#if licenses?size == 0>(none declared in the POM)<#else><#list licenses as l>${l}<#sep>; </#sep></#list></#if> | <#if p.url??>[${p.name!p.artifactId}](${p.url})<#else>${p.name!p.artifactId}</#if> | `${p.groupId}:${p.artifactId}:${p.version}` |
</#if>
</#list>

${listed} libraries. Native code inside them: `pytorch-native-cpu` carries libtorch (PyTorch's BSD-3-Clause-style
licence; the jar itself holds no licence file), `onnxruntime` the ONNX Runtime library (MIT; its
`ThirdPartyNotices.txt` is kept in the jar), `tokenizers` the Hugging Face tokenizers library
(Apache-2.0), `jna` its own native stub (Apache-2.0 or LGPL-2.1+; Sampleforge uses it under
Apache-2.0). Only their Linux binaries are kept.

All of these licences (Apache-2.0, MIT, BSD-3-Clause, and JNA under its Apache-2.0 option) allow
distribution inside an Apache-2.0 work; so do the licences of what the cluster provides (Spark,
Hadoop, Scala, Jackson, Gson, SnakeYAML, Commons: Apache-2.0; SLF4J: MIT). Test-only libraries are
never distributed: JUnit 5 and jqwik (EPL-2.0), ArchUnit (Apache-2.0).

## Data files in the repository

Every data file that comes from outside the project, with its source, licence and how the copy
here was made. Each folder also has a README saying the same. Files the project made itself
(model fixtures trained on the toy grammar, golden outputs of reference implementations) are listed
after them.

| file(s) | source | licence | how the copy was made |
|---|---|---|---|
| `pipeline-core/src/test/resources/mlbench/` `HouseVotes84.csv`, `LetterRecognition.csv`, `PimaIndiansDiabetes.csv`, `Satellite.csv`, `Shuttle.csv`, `Soybean.csv` | UCI Machine Learning Repository data sets (Newman, Hettich, Blake and Merz, 1998, University of California, Irvine; LetterRecognition: P. W. Frey and D. J. Slate, 1991; Satellite and Shuttle: the Statlog project), as redistributed by the R package **mlbench** 2.1-3 (Friedrich Leisch and Evgenia Dimitriadou), Debian package `r-cran-mlbench` | the mlbench package is GPL-2; the data are UCI's data sets, which UCI's current pages give under CC BY 4.0 (attribution as given here) | each data frame written to CSV unchanged (R's `NA` for missing values) into the project's shared reference data, and copied here byte for byte ([README](../pipeline-core/src/test/resources/mlbench/README.md)) |
| `pipeline-core/src/test/resources/modeldata/lending_club.csv` | Lending Club loan statistics, first quarter of 2016, a subset of rows and columns as published in the R package **modeldata** 1.1.0 (Max Kuhn, RStudio), Debian package `r-cran-modeldata` | MIT (Copyright 2019 Max Kuhn, RStudio) | the `lending_club` data frame written to CSV unchanged, copied here byte for byte ([README](../pipeline-core/src/test/resources/modeldata/README.md)) |
| `notebooks/data/attrition.csv` | IBM HR Analytics employee attrition (fictional data created by IBM data scientists), as published in the R package **modeldata** 1.1.0 (Max Kuhn, RStudio), Debian package `r-cran-modeldata` | MIT (Copyright 2019 Max Kuhn, RStudio) | the `attrition` data frame written to CSV unchanged, copied here byte for byte ([README](../notebooks/data/README.md)) |
| `pipeline-core/src/test/resources/gme/lotus_sample.tsv`, `lotus_sample_expected_top10_dutopia_counts.tsv` | natural-product occurrences from LOTUS, published through Wikidata; the 99-row sample and its expected GME ranking are the unit-test data of the GME reference implementation [idiap/gme-sampler](https://github.com/idiap/gme-sampler) (Delmas et al. 2023, Idiap Research Institute) | the Wikidata/LOTUS facts are CC0; the repository they were copied from is GPL-3.0-or-later | copied unchanged (`data/test_data.csv`, `tests/data/expected_top_10.tsv` at commit b753b69); test data only, no code copied ([README](../pipeline-core/src/test/resources/gme/README.md)) |

Made by the project (no third-party data inside; the scripts that made them are beside them):

| file(s) | what |
|---|---|
| `pipeline-core/src/test/resources/golden/*` | outputs of imbalanced-learn 0.10 / scikit-learn 1.2 (BSD-3-Clause, MIT) run on the mlbench and modeldata files above, by `make_golden*.py` ([README](../pipeline-core/src/test/resources/golden/README.md)); they carry those files' attribution |
| `pipeline-core/src/test/resources/gme/golden_*.tsv`, `synthetic_relations.tsv` | rankings computed by idiap/gme-sampler (imported from a checkout outside the repository, no code copied) on `lotus_sample.tsv` and on a synthetic table made by `make_golden_gme.py` |
| `pipeline-core/src/test/resources/model/*` | tiny causal LMs trained here on the project's toy grammar, saved through PyTorch / Hugging Face transformers (Apache-2.0 code; no pretrained weights), their tokenizers and reference outputs ([README](../pipeline-core/src/test/resources/model/README.md)) |
| `pipeline-core/src/test/resources/decode/transformers_golden.json` | transformers' own logits processors applied to random logits by `make_transformers_golden.py` ([README](../pipeline-core/src/test/resources/decode/README.md)) |
