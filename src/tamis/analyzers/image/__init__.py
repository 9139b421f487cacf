"""Image analyzers: they read `MediaPart.picture`, frames decoded and scaled in a sandbox, never
the bytes a platform sent."""
