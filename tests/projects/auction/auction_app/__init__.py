"""The live-auction team's app on its generated package: its handlers and nothing else."""
