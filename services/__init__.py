"""Services: work with side effects that pages call (render exports with a browser, run an
import with its versioning and lock). Views stay pure builders; services may launch
processes, write files and read the environment."""
