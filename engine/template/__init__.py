"""The input workbook a dinas fills: one sheet per table of the data contract, with hints and validation."""
