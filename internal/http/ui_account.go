package http

import "net/http"

// showAccount shows the user's language, time zone and password forms.
func (s *Server) showAccount(w http.ResponseWriter, r *http.Request, p *page) {
	p.Title, p.Nav = p.T("account.title"), "account"
	if r.URL.Query().Get("saved") != "" {
		p.Notice = p.T("account.saved")
	}
	s.render(w, http.StatusOK, "account", p)
}

// saveAccount saves the language and time zone, or changes the password.
func (s *Server) saveAccount(w http.ResponseWriter, r *http.Request, p *page) {
	var err error
	if r.PostFormValue("form") == "password" {
		err = s.db.ChangePassword(r.Context(), r.PostFormValue("current"), r.PostFormValue("new"))
	} else {
		err = s.db.SetPreferences(r.Context(), r.PostFormValue("lang"), r.PostFormValue("timezone"))
	}
	if err != nil {
		s.uiError(w, r, p, err)
		return
	}
	if r.PostFormValue("form") == "password" {
		http.Redirect(w, r, "/login", http.StatusSeeOther) // the change ended every session
		return
	}
	http.Redirect(w, r, "/account?saved=1", http.StatusSeeOther)
}
