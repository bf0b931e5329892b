"""Real time: publishing committed events through the broadcast backend."""
