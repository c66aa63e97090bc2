#!/usr/bin/env node
require('../dist/adapters/cli/main.js').main(process.argv);
