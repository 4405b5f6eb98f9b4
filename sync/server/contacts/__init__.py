"""Customer contacts: complaints, inquiries, return requests and compliments from every channel."""
