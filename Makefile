# The README's two commands: `make demo` and `make test`. Both build .venv on first use;
# the stamp file makes later runs skip the install unless pyproject.toml changed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR ?= demo-estate

.PHONY: demo test lint install bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,lint]'
	touch $(STAMP)

# After building the demo estate it shows a clerk what is there: owners, arrears, receipts, printed
# documents, renovations, the archive and its loans, overdue work orders, a full-text search, that
# journal and archive are whole, and the files of the monthly report; it ends by telling how to open the
# archive room in a browser (`recordkit serve`).
demo: $(STAMP)
	$(BIN)/recordkit demo $(DEMO_DIR)
	cd $(DEMO_DIR) && ../$(BIN)/recordkit owners list --building 3 | head -n 12
	cd $(DEMO_DIR) && ../$(BIN)/recordkit fees arrears --min-months 6 | head -n 12
	cd $(DEMO_DIR) && ../$(BIN)/recordkit receipt list --voided
	cd $(DEMO_DIR) && ../$(BIN)/recordkit docs list --limit 12
	cd $(DEMO_DIR) && ../$(BIN)/recordkit renovation list
	cd $(DEMO_DIR) && ../$(BIN)/recordkit archive list --category 业主档案 | head -n 12
	cd $(DEMO_DIR) && ../$(BIN)/recordkit archive loans
	cd $(DEMO_DIR) && ../$(BIN)/recordkit archive verify
	cd $(DEMO_DIR) && ../$(BIN)/recordkit workorder list --overdue
	cd $(DEMO_DIR) && ../$(BIN)/recordkit search 梯维修
	cd $(DEMO_DIR) && ../$(BIN)/recordkit journal verify
	cd $(DEMO_DIR) && ls records/generated/报表/*/
	@echo
	@echo "在浏览器里使用档案室：cd $(DEMO_DIR) && ../$(BIN)/recordkit serve"
	@echo "然后打开 http://127.0.0.1:8080/ （检索“梯维修”，打开档案看页面、借出、归还）"

# pytest exits 5 when it collected no test: that is a failure here, never a silent pass.
# The tests run in TEST_WORKERS processes (pytest-xdist), a test file's tests in one of them; most of a
# test's time is waiting (subprocesses, fsync, PostgreSQL, LibreOffice), so more workers than cores help.
TEST_WORKERS ?= 4
test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest 没有收集到任何测试（退出码 5），视为失败" >&2; exit 1; fi; \
	exit $$status

# ruff (pyflakes, pycodestyle, isort, bugbear, pyupgrade …) and its formatter, then mypy on src/ and benchmarks/
# (a benchmark calling an API that changed fails here, not when someone next runs it).
lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_import.py
	$(BIN)/python benchmarks/bench_startup.py
	$(BIN)/python benchmarks/bench_watch.py
	$(BIN)/python benchmarks/bench_fees.py
	$(BIN)/python benchmarks/bench_notices.py --ledger
	$(BIN)/python benchmarks/bench_ocr.py
	$(BIN)/python benchmarks/bench_report.py
	$(BIN)/python benchmarks/bench_search.py
	$(BIN)/python benchmarks/bench_web.py

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache
