"""One emitter a language: each module here (but ``common``) has
``emit(manifest) -> {path: text}``, reading only the manifest."""
