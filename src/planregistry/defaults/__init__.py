"""Default data: the violent-extremism programme, Stockholm and the seed plan."""
