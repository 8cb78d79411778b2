package trap

import "testing"

func TestDecodeErrorCode(t *testing.T) {
	pf := DecodeErrorCode(VecPageFault, 0b11111) // present, write, user, reserved, fetch
	if !pf.Present || !pf.Write || !pf.User || !pf.Fetch || !pf.Reserved || pf.HasSelector {
		t.Errorf("page fault 0x17: %+v", pf)
	}
	pf = DecodeErrorCode(VecPageFault, 0)
	if pf.Present || pf.Write || pf.User || pf.Fetch {
		t.Errorf("page fault 0: %+v", pf)
	}
	// #GP on IDT vector 0x81: index 0x81, IDT bit set.
	gp := DecodeErrorCode(VecGP, 0x81<<3|2)
	if !gp.HasSelector || !gp.IDT || gp.LDT || gp.Index != 0x81 || gp.External {
		t.Errorf("#GP IDT: %+v", gp)
	}
	// #NP for LDT selector 5, external.
	np := DecodeErrorCode(11, 5<<3|4|1)
	if !np.HasSelector || np.IDT || !np.LDT || np.Index != 5 || !np.External {
		t.Errorf("#NP LDT: %+v", np)
	}
	if e := DecodeErrorCode(VecGP, 0); e.HasSelector {
		t.Errorf("#GP with code 0 has no selector: %+v", e)
	}
	if e := DecodeErrorCode(VecDivide, 7); e.HasSelector || e.Present {
		t.Errorf("#DE: %+v", e)
	}
}

func TestNames(t *testing.T) {
	if Name(14) != "page fault" || Name(8) != "double fault" || Name(13) != "general protection" || Name(40) != "interrupt" {
		t.Error("exception names")
	}
}
