# Two commands on a fresh machine: `make run` and `make test` (see README).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install index run test lint bench llm

install: $(STAMP)

# torch goes first and pinned: a torch pulled in unpinned by sentence-transformers
# would download a multi-GB CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

index: install
	$(PY) -m assistant index

run: index
	$(PY) app.py

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

test: lint
	$(PY) -m pytest -q tests $(wildcard eval/test_*.py)

bench: index
	$(PY) -m assistant bench index
	$(PY) -m assistant bench ask
	$(PY) -m assistant bench brief

# Optional generative mode (ASSISTANT_GENERATOR=llama|openai). llama-cpp-python has no prebuilt
# CPU wheel, and its default build uses CPU features these VMs cannot execute ("Illegal
# instruction"): build it with portable flags first, so that `.[llm]` finds it installed. Then
# the 22 model parts (and langchain-openai), and join the parts into the model cache, once.
LLM_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
	-DGGML_BMI2=ON

llm: install
	CMAKE_ARGS="$(LLM_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=2 \
		$(PY) -m pip install --quiet 'llama-cpp-python[server]==0.3.36'
	$(PY) -m pip install --quiet -e '.[test,llm]'
	$(PY) -m assistant.llm_model assemble
