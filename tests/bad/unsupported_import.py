# sockets are outside the simulated machine
import os
import socket
print(os.getpid())
