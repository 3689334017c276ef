"""Party screening against the Consolidated Screening List: name normalisation (Latin, Chinese,
other scripts), an explainable token matcher, and the Affiliates-rule ownership check.

Pure Python: no Qt, no SQL, no file formats. The store keeps the list; the service wires them.
"""
