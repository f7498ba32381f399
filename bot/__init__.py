"""The async core of Briefbot and everything that touches a chat platform."""
