"""The REZ real-time server, built on the generated rez_realtime package."""
