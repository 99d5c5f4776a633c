"""The app's hand-written side, from the catalog: `eventcat scaffold` writes the handler module once (render), and
`eventcat scaffold --check` reports how a hand-edited module has drifted from the catalog since (check)."""
