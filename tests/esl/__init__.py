"""Tests of the ESL layer and the fake FreeSWITCH."""
