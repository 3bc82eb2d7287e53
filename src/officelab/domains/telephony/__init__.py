"""The telephony domain: IP PBX, phones, SIP trunk and operator."""
