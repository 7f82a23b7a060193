"""Code exercises: graders run the candidate's code in a child process."""
