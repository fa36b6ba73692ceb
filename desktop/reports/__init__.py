"""Paper that can be verified: the credit report and commitment letter PDFs, their fonts,
verification codes and QR codes, registering a report at the platform, verifying a
printed one, and rendering PDF pages for preview and printing.
"""
