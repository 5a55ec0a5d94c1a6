"""The essays' ideas as pure functions of arrays, one module each, which model.core wires up."""
