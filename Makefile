# Two entry points (see README): `make demo` runs the product, `make test` runs every test.
.PHONY: demo test setup build release clean

demo: setup build
	bash scripts/demo.sh

test:
	bash scripts/test.sh

setup:
	bash scripts/setup.sh

build:
	swift build

release:
	swift build -c release --scratch-path .build-release

clean:
	rm -rf .build .build-release
