<#-- license-maven-plugin add-third-party template: a Markdown table of what the cluster uber jar bundles -->
# Third-party libraries in the cluster uber jar

Regenerate (needs org.codehaus.mojo:license-maven-plugin 2.4.0 in ~/.m2 or from Maven Central, then works offline):

    ./mvnw -B -pl jobs -am -Pcluster -DskipTests package license:add-third-party

This is the `compile` and `runtime` scope dependency tree of `jobs`, which is exactly what the shade
plugin puts into `jobs/target/sampleforge-jobs-cluster.jar` (Sampleforge's own `pipeline-core` left out).
Apache Spark, Scala and Hadoop, and everything they bring (Jackson, Netty, Guava, Arrow, Parquet, log4j,
...), are `provided`: they come from the cluster and are **not** in the jar (it holds no `org/apache/spark`,
`scala` or `org/apache/hadoop` classes), so they are not listed.
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
licence; the jar itself holds no licence file), `onnxruntime` the ONNX Runtime library (MIT), `tokenizers`
the Hugging Face tokenizers library (Apache-2.0), `jna` its own native stub (Apache-2.0 or LGPL-2.1+).
