"""Sampleforge example DAG: one task per job, each through submit.sh, each followed by a sensor on the
job's _manifest.json (written last, inside the output, by the atomic commit).

Copy this file into your DAGs folder and set two Airflow Variables:
  sampleforge_home  the Sampleforge checkout (or installed copy) holding submit.sh and conf/
  sampleforge_data  where the jobs read and write (a local path, hdfs://, s3a://, ...)
On a cluster, add submit options to SUBMIT (for example ["--master", "yarn", "--deploy-mode", "cluster"]).

Reruns are idempotent: every task writes with --mode overwrite, and a job replaces its output only after the
new output is complete (a killed run leaves the previous output, and the next run cleans its leftovers).
Exit codes (README "Errors and exit codes"): 2 (config or usage, refused before Spark starts) and 3 (bad input)
fail the same way on every retry, and 4 (not enough memory) needs more memory, not a retry: BashOperator retries
every failure, so those retries cost a few seconds (2) or one validation pass (3, 4) each. 1, 52, 137 and 143 may
be transient (a lost node, a preempted driver) and are what the retries are for.

Every job name, option and --set key below is checked against Sampleforge's real command line and config
records by jobs/src/test/java/io/sampleforge/jobs/AirflowDagTest.java (part of ./mvnw -B verify): each call of sf
call must hold only string literals (f-strings allowed) so that the test can read it.
"""
import shlex
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.sensors.filesystem import FileSensor

HOME = "{{ var.value.sampleforge_home }}"
DATA = "{{ var.value.sampleforge_data }}"
SUBMIT = []  # submit.sh options, e.g. ["--master", "yarn", "--deploy-mode", "cluster"]


def sf(job, *args):
    """The bash command running one Sampleforge job (the task fails with the job's exit code)."""
    return f"cd {HOME} && " + shlex.join(["./submit.sh", job, *SUBMIT, *args])


def manifest(task_id, output):
    """Waits for the job's manifest (the last file a successful commit leaves in the output)."""
    return FileSensor(task_id=task_id, filepath=f"{output}/_manifest.json", poke_interval=30, timeout=600)


with DAG(
    dag_id="sampleforge",
    start_date=datetime(2026, 12, 1),
    schedule="@daily",
    catchup=False,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5)},
    tags=["sampleforge"],
) as dag:
    synth_table = BashOperator(
        task_id="synth_table",
        bash_command=sf("synth-table", "-c", "conf/jobs/synth-table.yaml",
                        "--output", f"{DATA}/synth_table", "--mode", "overwrite"),
    )
    smote = BashOperator(
        task_id="smote",
        bash_command=sf("smote", "-c", "conf/jobs/smote.yaml",
                        "--input", f"{DATA}/synth_table", "--output", f"{DATA}/balanced", "--mode", "overwrite",
                        "--set", "features=[f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15]",
                        "--set", "id_column=id"),
    )
    smote_done = manifest("smote_manifest", f"{DATA}/balanced")

    synth_relations = BashOperator(
        task_id="synth_relations",
        bash_command=sf("synth-relations", "-c", "conf/jobs/synth-relations.yaml",
                        "--output", f"{DATA}/relations", "--mode", "overwrite"),
    )
    gme = BashOperator(
        task_id="gme",
        bash_command=sf("gme", "-c", "conf/jobs/gme.yaml",
                        "--input", f"{DATA}/relations", "--output", f"{DATA}/gme_subset", "--mode", "overwrite",
                        "--set", "item=item", "--set", "attributes=[brand, category]", "--set", "n=1000"),
    )
    gme_done = manifest("gme_manifest", f"{DATA}/gme_subset")

    generate = BashOperator(
        task_id="generate",
        bash_command=sf("generate", "-c", "conf/jobs/generate.yaml",
                        "--input", f"{DATA}/prompts.parquet", "--output", f"{DATA}/generated",
                        "--mode", "overwrite"),
    )
    generate_done = manifest("generate_manifest", f"{DATA}/generated")

    # masked-diffusion sampling of the built-in Markov chain (no model files); its prompts are
    # space-separated state names, here the example table shipped in conf/data
    generate_mdm = BashOperator(
        task_id="generate_mdm",
        bash_command=sf("generate", "-c", "conf/jobs/generate-mdm.yaml",
                        "--input", "conf/data/markov-prompts.csv", "--output", f"{DATA}/generated_mdm",
                        "--mode", "overwrite"),
    )
    generate_mdm_done = manifest("generate_mdm_manifest", f"{DATA}/generated_mdm")

    # masked-diffusion sampling of an exported masked LM (TorchScript or ONNX; here the repository's
    # toy_mlm fixture, named in the config): point model.path and model.tokenizer at your export
    generate_mlm = BashOperator(
        task_id="generate_mlm",
        bash_command=sf("generate", "-c", "conf/jobs/generate-mlm.yaml",
                        "--input", "conf/data/toy-prompts.csv", "--output", f"{DATA}/generated_mlm",
                        "--mode", "overwrite"),
    )
    generate_mlm_done = manifest("generate_mlm_manifest", f"{DATA}/generated_mlm")

    # Gaussian-diffusion synthesis: samples of the example's exact Gaussian mixture under DPM-Solver++ 2M
    # (20 model calls each); the manifest compares them with exact draws
    diffuse = BashOperator(
        task_id="diffuse",
        bash_command=sf("diffuse", "-c", "conf/jobs/diffuse.yaml", "--output", f"{DATA}/diffused",
                        "--mode", "overwrite"),
    )
    diffuse_done = manifest("diffuse_manifest", f"{DATA}/diffused")

    # a table's own synthetic rows from a trained MLP denoiser: train-denoiser writes the model folder
    # (a local path; put it on storage every executor reads), diffuse samples it under UniPC
    train_denoiser = BashOperator(
        task_id="train_denoiser",
        bash_command=sf("train-denoiser", "-c", "conf/jobs/train-denoiser.yaml",
                        "--output", "/tmp/sampleforge/attrition-denoiser", "--mode", "overwrite"),
    )
    train_denoiser_done = manifest("train_denoiser_manifest", "/tmp/sampleforge/attrition-denoiser")
    diffuse_trained = BashOperator(
        task_id="diffuse_trained",
        bash_command=sf("diffuse", "-c", "conf/jobs/diffuse.yaml", "--output", f"{DATA}/attrition_synth",
                        "--mode", "overwrite", "--rows", "10000", "--set", "model.type=trained",
                        "--set", "model.dir=/tmp/sampleforge/attrition-denoiser/model",
                        "--set", "model.columns=null", "--set", "model.weights=null", "--set", "model.means=null",
                        "--set", "model.covariances=null", "--set", "solver.name=unipc",
                        "--set", "solver.solver_type=null", "--set", "solver.euler_at_final=null",
                        "--set", "steps=10"),
    )
    diffuse_trained_done = manifest("diffuse_trained_manifest", f"{DATA}/attrition_synth")

    # a measurement dataset: 20 % of the attrition table's cells missing at random, the clean values kept
    # for evaluation (the posterior samplers' input)
    corrupt = BashOperator(
        task_id="corrupt",
        bash_command=sf("corrupt", "-c", "conf/jobs/corrupt.yaml", "--output", f"{DATA}/attrition_measured",
                        "--mode", "overwrite"),
    )
    corrupt_done = manifest("corrupt_manifest", f"{DATA}/attrition_measured")

    # reconstruct each measured row: exact posterior draws of the missing cells under MLlib's GMM fit of the
    # clean table; the manifest reports RMSE and 90 % interval coverage against the kept clean values
    posterior = BashOperator(
        task_id="posterior",
        bash_command=sf("posterior", "-c", "conf/jobs/posterior.yaml", "--input", f"{DATA}/attrition_measured",
                        "--output", f"{DATA}/attrition_posterior", "--mode", "overwrite"),
    )
    posterior_done = manifest("posterior_manifest", f"{DATA}/attrition_posterior")

    # a weighted coreset of the synthetic table: 2,000 rows (expected) drawn by l1 Lewis weights over the
    # informative features, each with its importance weight (weighted sums are unbiased)
    coreset = BashOperator(
        task_id="coreset",
        bash_command=sf("coreset", "-c", "conf/jobs/coreset.yaml",
                        "--input", f"{DATA}/synth_table", "--output", f"{DATA}/synth_coreset", "--mode", "overwrite",
                        "--set", "features=[f0, f1, f2, f3, f4, f5, f6, f7]", "--set", "id_column=id",
                        "--set", "method=lewis", "--set", "m=2000"),
    )
    coreset_done = manifest("coreset_manifest", f"{DATA}/synth_coreset")
    # a training mixture of the example table's three sources at temperature 2 (p_i ~ n_i^(1/2)), round 0 of a
    # resumable series: the job writes {output}/round=0 and the manifest records the realised mix per source
    mix = BashOperator(
        task_id="mix",
        bash_command=sf("mix", "-c", "conf/jobs/mix.yaml", "--output", f"{DATA}/mix", "--mode", "overwrite",
                        "--set", "round=0"),
    )
    mix_done = manifest("mix_manifest", f"{DATA}/mix/round=0")

    # several jobs in one JVM and one Spark session (start-up paid once): conf/jobs/batch.yaml's synth-table ->
    # smote -> coreset, corrupt -> posterior and a mix round, every line checked before the first runs, outputs
    # under {HOME}/out/batch; with on_failure: stop, the last job's manifest means every job succeeded
    batch = BashOperator(
        task_id="batch",
        bash_command=sf("batch", "-c", "conf/jobs/batch.yaml"),
    )
    batch_done = manifest("batch_manifest", f"{HOME}/out/batch/mix/round=0")

    synth_table >> smote >> smote_done
    synth_relations >> gme >> gme_done
    generate >> generate_done
    generate_mdm >> generate_mdm_done
    generate_mlm >> generate_mlm_done
    diffuse >> diffuse_done
    train_denoiser >> train_denoiser_done >> diffuse_trained >> diffuse_trained_done
    corrupt >> corrupt_done >> posterior >> posterior_done
    mix >> mix_done
    synth_table >> coreset >> coreset_done
    batch >> batch_done
