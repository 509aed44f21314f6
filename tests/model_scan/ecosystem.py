"""Pickles of the ML ecosystem's benign classes, for libraries the test environment does not install
(transformers, accelerate, peft, Lightning, CatBoost). Each is written opcode by opcode from the
documented shape of the object: a dataclass or plain class pickles as ``NEWOBJ`` of the class and a
``BUILD`` with its ``__dict__``; an ``Enum`` member as the class called with its value; a
``torch.device`` as ``device("cpu")``. ``torch.save`` wraps the pickle in a zip as ``data.pkl``.
"""

from __future__ import annotations

import struct

from .corpus import glob0, torch_zip


def text(value: str) -> bytes:
    raw = value.encode()
    return b"X" + struct.pack("<I", len(raw)) + raw  # BINUNICODE


def enum(module: str, cls: str, value: str) -> bytes:
    return glob0(module, cls) + text(value) + b"\x85R"


def obj(module: str, cls: str, state: dict[str, bytes]) -> bytes:
    """``cls.__new__(cls)`` then ``__dict__.update(state)``: what a dataclass pickles as."""
    return glob0(module, cls) + b")\x81" + mapping(state) + b"b"


def mapping(items: dict[str, bytes]) -> bytes:
    return b"}(" + b"".join(text(k) + v for k, v in items.items()) + b"u"


def items(*values: bytes) -> bytes:
    return b"](" + b"".join(values) + b"e"


NONE, TRUE, FALSE = b"N", b"\x88", b"\x89"


def num(value: int) -> bytes:
    return b"J" + struct.pack("<i", value)


def flt(value: float) -> bytes:
    return b"G" + struct.pack(">d", value)


DEVICE = glob0("torch", "device") + text("cpu") + b"\x85R"
TRAINER_UTILS = "transformers.trainer_utils"


def training_args() -> bytes:
    """``training_args.bin`` as ``Trainer`` saves it: ``torch.save(TrainingArguments(...))``."""
    partial_state = obj("accelerate.state", "PartialState", {
        "_cpu": FALSE, "backend": NONE, "device": DEVICE, "debug": FALSE,
        "distributed_type": enum("accelerate.utils.dataclasses", "DistributedType", "NO"),
        "num_processes": num(1), "process_index": num(0), "local_process_index": num(0),
        "fork_launched": FALSE})
    accelerator_config = obj("transformers.trainer_pt_utils", "AcceleratorConfig", {
        "split_batches": FALSE, "dispatch_batches": NONE, "even_batches": TRUE, "use_seedable_sampler": TRUE,
        "non_blocking": FALSE, "gradient_accumulation_kwargs": NONE})
    state = {
        "output_dir": text("out"), "overwrite_output_dir": FALSE, "do_train": TRUE, "do_eval": TRUE,
        "eval_strategy": enum(TRAINER_UTILS, "IntervalStrategy", "steps"),
        "per_device_train_batch_size": num(8), "learning_rate": flt(5e-5), "num_train_epochs": flt(3.0),
        "lr_scheduler_type": enum(TRAINER_UTILS, "SchedulerType", "linear"), "lr_scheduler_kwargs": b"}",
        "warmup_ratio": flt(0.0), "log_level": text("passive"), "logging_dir": text("out/runs"),
        "logging_strategy": enum(TRAINER_UTILS, "IntervalStrategy", "steps"),
        "save_strategy": enum(TRAINER_UTILS, "SaveStrategy", "steps"), "save_total_limit": NONE,
        "seed": num(42), "bf16": FALSE, "fp16": FALSE,
        "debug": items(enum("transformers.debug_utils", "DebugOption", "underflow_overflow")),
        "optim": enum("transformers.training_args", "OptimizerNames", "adamw_torch"),
        "report_to": items(text("tensorboard")), "hub_strategy": enum(TRAINER_UTILS, "HubStrategy", "every_save"),
        "hub_token": NONE, "fsdp": items(enum(TRAINER_UTILS, "FSDPOption", "full_shard")),
        "fsdp_config": mapping({"min_num_params": num(0), "xla": FALSE}),
        "accelerator_config": accelerator_config, "deepspeed": text("ds_config.json"),
        "hf_deepspeed_config": obj("transformers.integrations.deepspeed", "HfTrainerDeepSpeedConfig", {
            "config": mapping({"train_batch_size": text("auto")}), "_stage": num(2), "_offload": FALSE,
            "_dtype": glob0("torch", "bfloat16")}),
        "include_for_metrics": b"]",
        "__cached__setup_devices": DEVICE, "_n_gpu": num(0), "distributed_state": partial_state,
    }
    return torch_zip(b"\x80\x02" + obj("transformers.training_args", "TrainingArguments", state) + b".")


def seq2seq_args() -> bytes:
    generation = obj("transformers.generation.configuration_utils", "GenerationConfig", {
        "max_length": num(64), "num_beams": num(4), "do_sample": FALSE, "_from_model_config": FALSE})
    return torch_zip(b"\x80\x02" + obj("transformers.training_args_seq2seq", "Seq2SeqTrainingArguments", {
        "output_dir": text("out"), "predict_with_generate": TRUE, "generation_config": generation,
        "eval_strategy": enum(TRAINER_UTILS, "IntervalStrategy", "epoch")}) + b".")


def peft_config() -> bytes:
    """A LoRA config as peft keeps it beside an adapter (``torch.save`` of the config object)."""
    return torch_zip(b"\x80\x02" + obj("peft.tuners.lora.config", "LoraConfig", {
        "peft_type": enum("peft.utils.peft_types", "PeftType", "LORA"),
        "task_type": enum("peft.utils.peft_types", "TaskType", "CAUSAL_LM"), "r": num(8), "lora_alpha": num(16),
        "target_modules": glob0("builtins", "set") + b"](" + text("q_proj") + text("v_proj") + b"e\x85R",
        "lora_dropout": flt(0.05), "bias": text("none"), "inference_mode": TRUE,
        "loftq_config": b"}", "runtime_config": obj("peft.tuners.lora.config", "LoraRuntimeConfig",
                                                    {"ephemeral_gpu_offload": FALSE})}) + b".")


def accelerate_state() -> bytes:
    """``custom_checkpoint_0.pkl``/``random_states_0.pkl`` of ``Accelerator.save_state``: configs and RNG state."""
    return torch_zip(b"\x80\x02" + mapping({
        "project_config": obj("accelerate.utils.dataclasses", "ProjectConfiguration", {
            "project_dir": text("runs"), "automatic_checkpoint_naming": FALSE, "total_limit": NONE}),
        "dataloader_config": obj("accelerate.utils.dataclasses", "DataLoaderConfiguration", {
            "split_batches": FALSE, "even_batches": TRUE}),
        "step": num(10), "python_random_state": b"(K\x03" + b"K\x01" * 3 + b"Nt"}) + b".")


def lightning_checkpoint(module: str = "lightning.fabric.utilities.data") -> bytes:
    """A Lightning ``.ckpt``: epoch, versions, loops, callbacks' state, and the hyper-parameters as an
    ``AttributeDict`` (a dict subclass: ``NEWOBJ`` then ``SETITEMS``)."""
    hparams = glob0(module, "AttributeDict") + b")\x81(" + text("lr") + flt(1e-3) + text("hidden") + num(64) + b"u"
    hydra = obj("omegaconf.dictconfig", "DictConfig", {
        "_metadata": obj("omegaconf.base", "ContainerMetadata", {
            "ref_type": glob0("typing", "Any"), "object_type": glob0("builtins", "dict"), "optional": TRUE,
            "key": NONE, "flags": b"}", "resolver_cache": glob0("collections", "defaultdict")
            + glob0("builtins", "dict") + b"\x85R"}),
        "_content": mapping({"lr": obj("omegaconf.nodes", "AnyNode", {"_val": flt(1e-3)})})})
    return torch_zip(b"\x80\x02" + mapping({
        "epoch": num(3), "global_step": num(300), "pytorch-lightning_version": text("2.4.0"),
        "state_dict": b"}", "loops": mapping({"fit_loop": mapping({"state_dict": b"}"})}),
        "callbacks": mapping({"ModelCheckpoint{'monitor': 'val_loss'}": mapping({
            "best_model_score": NONE, "best_model_path": text("ckpt/epoch=2.ckpt"), "dirpath": text("ckpt")})}),
        "optimizer_states": b"]", "lr_schedulers": b"]", "hparams_name": text("kwargs"),
        "hyper_parameters": hparams, "datamodule_hyper_parameters": hydra}) + b".")


def catboost_pickle(model_bytes: bytes) -> bytes:
    """``pickle.dumps(CatBoostClassifier().fit(...))``: the estimator's state holds its parameters and
    the model in CatBoost's own binary format, as bytes."""
    blob = b"C" + bytes([len(model_bytes)]) + model_bytes if len(model_bytes) < 256 else \
        b"B" + struct.pack("<I", len(model_bytes)) + model_bytes
    return b"\x80\x02" + obj("catboost.core", "CatBoostClassifier", {
        "_init_params": mapping({"iterations": num(10), "verbose": FALSE, "loss_function": text("Logloss")}),
        "__model": blob}) + b"."
