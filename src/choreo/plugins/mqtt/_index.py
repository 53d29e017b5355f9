INDEX = []
