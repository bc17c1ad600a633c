"""The reusable step library of the feature files (features/*.feature, in Bahasa Indonesia)."""
